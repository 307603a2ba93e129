// The Classification dashboard's chart cards: curves (ROC, PR, DET, KS, gains, lift), calibration
// and the per-class report.
import type { computed } from '@preact/signals'
import { useMemo } from 'preact/hooks'
import type { CalibrationCurve, EvaluationReport } from '../../api/evalTypes'
import type { Cell, ColumnInfo } from '../../api/types'
import type { Shell } from '../../app/store'
import { EChart, type Marker } from '../../charts/EChart'
import { downloadText, fileStem } from '../../charts/export'
import { calibrationOption } from '../../charts/options/calibration'
import { curveOption } from '../../charts/options/curves'
import { csvRows, curvesCsv } from '../../model/eval/csv'
import { calibrationKeys, CLASS_REPORT_COLUMNS, classReport, CURVE_SPECS, type CurveKind, curveSeries, prevalence, referenceSeries } from '../../model/eval/series'
import { useColors } from '../shared/colors'
import { SeriesToggle } from '../shared/SeriesToggle'
import { Card, SortedTable } from '../shared/widgets'
import type { ClassificationState } from './state'

export function CurveCard({ state, shell, kind, markers }: { state: ClassificationState; shell: Shell; kind: CurveKind; markers?: ReturnType<typeof computed<Marker[]>> }) {
  const r = state.report.value!
  const hidden = state.hidden.value
  const focus = state.focusClass.value
  const colors = useColors(shell)
  const spec = CURVE_SPECS[kind]
  const option = useMemo(() => {
    const series = [...referenceSeries(kind, focus !== null ? prevalence(r, focus) : null), ...curveSeries(kind, r)]
    return curveOption({ spec, series, hidden, colors })
  }, [r, hidden, colors, focus, kind])
  const curves = r.curves[kind]
  if (!curves || Object.keys(curves).length === 0) return null
  const stem = fileStem(r.run, r.name, `step${r.step}`, kind)
  return (
    <Card title={spec.title} testId={`chart-${kind}`} subtitle={kind === 'roc' || kind === 'precision_recall' ? (focus !== null ? ` · point: ${focus}` : '') : kind === 'det' ? ' · probit axes' : ''}>
      <EChart option={option} dark={shell.dark.value} label={`${spec.title} curves`} exportName={stem} csv={() => curvesCsv(curves as Record<string, object>)} markers={markers} onLegend={state.toggleLegend}>
        <SeriesToggle names={Object.keys(curves)} hidden={hidden} onToggle={state.toggleLegend} />
      </EChart>
    </Card>
  )
}

export function CalibrationCard({ state, shell }: { state: ClassificationState; shell: Shell }) {
  const r = state.report.value!
  const v = state.view.value
  const hidden = state.hidden.value
  const colors = useColors(shell)
  const curves = r.curves.calibration as Record<string, CalibrationCurve> | undefined
  const keys = useMemo(() => calibrationKeys(r.curves, r.labels), [r])
  const histKey = keys.includes('top_label') ? 'top_label' : r.task === 'binary' ? (keys[0] ?? null) : (state.focusClass.value ?? keys[0] ?? null)
  const option = useMemo(() => (curves ? calibrationOption({ curves, keys, strategy: v.calib, hidden, histogramKey: histKey, colors }) : null), [curves, keys, v.calib, hidden, histKey, colors])
  if (!curves || !option) return null
  const strategy = v.calib
  const csv = () => curvesCsv(Object.fromEntries(keys.map((k) => [k, curves[k][strategy] ?? curves[k].uniform])))
  return (
    <Card title="Calibration" testId="chart-calibration" subtitle={` · ECE ${r.metrics.ece !== undefined ? r.metrics.ece.toFixed(4) : '—'}`}>
      <EChart option={option} dark={shell.dark.value} label="Reliability diagram and confidence histogram" height={380} exportName={fileStem(r.run, r.name, `step${r.step}`, 'calibration')} csv={csv} onLegend={state.toggleLegend}>
        <SeriesToggle names={keys} hidden={hidden} onToggle={state.toggleLegend} />
        <select class="tbe-select tbe-small-select" aria-label="Calibration bins" value={strategy} onChange={(e) => state.update({ calib: (e.target as HTMLSelectElement).value as 'uniform' | 'quantile' })}>
          <option value="uniform">uniform bins</option>
          <option value="quantile">quantile bins</option>
        </select>
      </EChart>
    </Card>
  )
}

const REPORT_COLUMNS: ColumnInfo[] = [
  { name: 'class', type: 'string' },
  ...CLASS_REPORT_COLUMNS.map((c) => ({ name: c, type: (c === 'support' ? 'number' : 'number') as ColumnInfo['type'] })),
]

export function ClassReportCard({ r }: { r: EvaluationReport }) {
  const rows = useMemo<Cell[][]>(() => classReport(r).map((row) => [row.label, ...row.values]), [r])
  const csv = () => csvRows(REPORT_COLUMNS.map((c) => c.name), rows)
  return (
    <Card title="Per-class report" wide testId="class-report">
      <div class="tbe-export">
        <button type="button" class="tbe-button tbe-small" onClick={() => downloadText(csv(), `${fileStem(r.run, r.name, `step${r.step}`, 'classes')}.csv`, 'text/csv')}>
          CSV
        </button>
      </div>
      <SortedTable columns={REPORT_COLUMNS} rows={rows} label="Per-class metrics" />
    </Card>
  )
}
