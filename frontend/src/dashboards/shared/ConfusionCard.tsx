// A confusion-matrix card: heatmap (counts or normalised, class order), top confusions, cell detail.
import { useMemo, useState } from 'preact/hooks'
import type { ConfusionMatrix } from '../../api/evalTypes'
import type { Shell } from '../../app/store'
import { EChart } from '../../charts/EChart'
import { confusionOption } from '../../charts/options/confusion'
import { formatNumber } from '../../model/format'
import { type CellDetail, cellDetail, classOrder, type ClassOrder, normalize, type Normalization, topConfusions } from '../../model/eval/confusion'
import { matrixCsv } from '../../model/eval/csv'
import { useColors } from './colors'
import { Card, Select } from './widgets'

export const pct = (v: number) => `${(v * 100).toFixed(1)}%`

const NORM_LABEL: Record<Normalization, string> = { count: 'counts', true: 'normalised by true class', pred: 'normalised by predicted class', all: 'share of all' }
const ORDER_LABEL: Record<ClassOrder, string> = { logged: 'logged order', name: 'by name', support: 'by support', recall: 'worst recall first' }

const NORM_CHOICES = Object.entries(NORM_LABEL).map(([value, label]) => ({ value, label }))
const ORDER_CHOICES = Object.entries(ORDER_LABEL).map(([value, label]) => ({ value, label }))

export function ConfusionCard({ cm, norm, order, onNorm, onOrder, shell, stem, title = 'Confusion matrix', note }: { cm: ConfusionMatrix; norm: Normalization; order: ClassOrder; onNorm(n: Normalization): void; onOrder(o: ClassOrder): void; shell: Shell; stem: string; title?: string; note?: string }) {
  const [cell, setCell] = useState<CellDetail | null>(null)
  const colors = useColors(shell)
  const labels = cm.labels.map(String)
  const orderIdx = useMemo(() => classOrder(cm.matrix, cm.labels, order), [cm, order])
  const values = useMemo(() => normalize(cm.matrix, norm), [cm, norm])
  const option = useMemo(() => {
    const pick = (m: number[][]) => orderIdx.map((i) => orderIdx.map((j) => m[i][j]))
    return confusionOption({ labels: orderIdx.map((i) => labels[i]), values: pick(values), counts: pick(cm.matrix), normalized: norm !== 'count', colors, dark: shell.dark.value })
  }, [orderIdx, values, cm, norm, colors, shell.dark.value])
  const top = useMemo(() => topConfusions(cm.matrix, cm.labels, 10), [cm])
  const n = labels.length
  const height = Math.min(640, Math.max(300, 140 + Math.min(n, 40) * 24))
  return (
    <Card title={title} wide testId="confusion" subtitle={note ? ` · ${note}` : ` · ${n} classes`}>
      <div class="tbe-cm-layout">
        <div class="tbe-cm-chart">
          <EChart
            option={option}
            dark={shell.dark.value}
            label="Confusion matrix heatmap"
            height={height}
            exportName={stem}
            csv={() => matrixCsv(labels, values)}
            onClick={(p) => {
              const d = p.data as [number, number, number] | undefined
              if (Array.isArray(d)) setCell(cellDetail(cm.matrix, cm.labels, orderIdx[d[1]], orderIdx[d[0]]))
            }}
          >
            <Select small label="Normalisation" value={norm} choices={NORM_CHOICES} onChange={(v) => onNorm(v as Normalization)} />
            <Select small label="Class order" value={order} choices={ORDER_CHOICES} onChange={(v) => onOrder(v as ClassOrder)} />
          </EChart>
          <div class="tbe-cell-detail" data-testid="cell-detail" aria-live="polite">
            {cell
              ? `true “${cell.trueLabel}” → predicted “${cell.predLabel}”: ${formatNumber(cell.count)} samples · ${pct(cell.ofTrue)} of true “${cell.trueLabel}” · ${pct(cell.ofPred)} of predicted “${cell.predLabel}” · ${pct(cell.ofAll)} of all`
              : 'Click a cell for its count and share.'}
          </div>
        </div>
        <div class="tbe-cm-top">
          <h4 class="tbe-section-title">Top confusions</h4>
          {top.length === 0 ? (
            <div class="tbe-empty">None.</div>
          ) : (
            <ol class="tbe-top-list" data-testid="top-confusions">
              {top.map((c) => (
                <li key={`${c.trueIndex}-${c.predIndex}`}>
                  <button type="button" class="tbe-link-row" onClick={() => setCell(cellDetail(cm.matrix, cm.labels, c.trueIndex, c.predIndex))}>
                    <span class="tbe-top-pair">{`${c.trueLabel} → ${c.predLabel}`}</span>
                    <span class="tbe-top-count">{`${formatNumber(c.count)} (${pct(c.shareOfTrue)})`}</span>
                  </button>
                </li>
              ))}
            </ol>
          )}
        </div>
      </div>
    </Card>
  )
}
