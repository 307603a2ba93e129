// Metrics over steps (evaluation/trend) with the shown step marked and a metric picker.
import { useMemo, useState } from 'preact/hooks'
import type { Shell } from '../../app/store'
import { EChart } from '../../charts/EChart'
import { trendOption } from '../../charts/options/trend'
import { columnsCsv, csvRows } from '../../model/eval/csv'
import { useColors } from './colors'
import { Card, PickMenu } from './widgets'

export const TREND_DEFAULTS = ['accuracy', 'roc_auc', 'roc_auc_macro', 'average_precision', 'average_precision_macro', 'f1', 'f1_macro', 'ece', 'r2', 'root_mean_squared_error', 'mean_absolute_error']

export function TrendCard({ steps, metrics, step, shell, stem }: { steps: number[]; metrics: Record<string, (number | null)[]>; step: number | null; shell: Shell; stem: string }) {
  const available = Object.keys(metrics).filter((m) => !m.includes('/'))
  const [chosen, setChosen] = useState<string[] | null>(null)
  const names = chosen ?? TREND_DEFAULTS.filter((m) => available.includes(m)).slice(0, 4)
  const colors = useColors(shell)
  const option = useMemo(() => trendOption(steps, metrics, names, step, colors), [steps, metrics, names.join('\u0000'), step, colors])
  if (steps.length === 0) return null
  return (
    <Card title="Metrics over steps" wide testId="trend">
      <EChart option={option} dark={shell.dark.value} label="Metric trends" height={260} exportName={stem} csv={() => { const c = columnsCsv({ step: steps, ...Object.fromEntries(names.map((n) => [n, metrics[n]])) }); return csvRows(c.header, c.rows) }}>
        <PickMenu
          label="Add a metric"
          prompt={`metrics (${names.length})…`}
          items={available.map((m) => ({ value: m, label: `${names.includes(m) ? '✓ ' : ''}${m}` }))}
          onPick={(m) => setChosen(names.includes(m) ? names.filter((x) => x !== m) : [...names, m])}
        />
      </EChart>
    </Card>
  )
}
