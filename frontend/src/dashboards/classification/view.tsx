// Views of the Classification dashboard. They read signals and call actions; the maths lives in
// src/model/eval and the chart options in src/charts/options.
import { computed } from '@preact/signals'
import { useMemo, useState } from 'preact/hooks'
import type { CalibrationCurve, ConfusionMatrix, EvaluationReport } from '../../api/evalTypes'
import type { ColumnInfo, Cell } from '../../api/types'
import type { Shell } from '../../app/store'
import { EChart, type Marker } from '../../charts/EChart'
import { downloadText, fileStem } from '../../charts/export'
import { DARK_COLORS, LIGHT_COLORS } from '../../charts/lineOption'
import { calibrationOption } from '../../charts/options/calibration'
import { PALETTE } from '../../charts/options/common'
import { confusionOption } from '../../charts/options/confusion'
import { curveOption } from '../../charts/options/curves'
import { trendOption } from '../../charts/options/trend'
import { formatCount, formatNumber } from '../../model/format'
import { binaryMatrix, type CellDetail, cellDetail, classOrder, type ClassOrder, normalize, type Normalization, topConfusions } from '../../model/eval/confusion'
import { columnsCsv, csvRows, curvesCsv, matrixCsv } from '../../model/eval/csv'
import {
  calibrationKeys,
  CLASS_REPORT_COLUMNS,
  classReport,
  CURVE_SPECS,
  type CurveKind,
  curveSeries,
  prevalence,
  referenceSeries,
} from '../../model/eval/series'
import { thresholdAt } from '../../model/eval/threshold'
import { Card, type CardItem, EntryList, MetricCards, SortedTable, StepSlider } from '../shared/widgets'
import { type ClassificationState, entryKey } from './state'

export function ClassificationSidebar({ state, title = 'Evaluations' }: { state: ClassificationState; title?: string }) {
  const items = state.entries.value.map((e) => ({ key: entryKey(e.run, e.name), title: e.name, subtitle: e.run, badge: e.task }))
  const v = state.view.value
  const doc = state.doc.value
  const docs = state.docEntries.value
  return (
    <>
      <EntryList
        title={title}
        items={items}
        current={doc === null && v.run !== null && v.name !== null ? entryKey(v.run, v.name) : null}
        onOpen={(key) => {
          const [run, name] = JSON.parse(key) as [string, string]
          state.open(run, name)
        }}
        empty={state.listing.value === null ? 'Loading…' : 'No evaluations of this kind in the chosen runs (log them with run.log_predictions).'}
      />
      {docs.length > 0 ? (
        <EntryList
          title="Logged confusion matrices"
          items={docs.map((e) => ({ key: entryKey(e.run, e.name), title: e.name, subtitle: e.run, badge: 'matrix' }))}
          current={doc ? entryKey(doc.run, doc.name) : null}
          onOpen={(key) => {
            const [run, name] = JSON.parse(key) as [string, string]
            state.openDoc(run, name)
          }}
          empty=""
        />
      ) : null}
    </>
  )
}

/** A confusion matrix logged with log_confusion_matrix (not computed from predictions). */
function LoggedConfusionView({ state, shell }: { state: ClassificationState; shell: Shell }) {
  const d = state.docData.value
  const doc = state.doc.value!
  const v = state.view.value
  if (!d) return <div class="tbe-empty">Loading…</div>
  const cm: ConfusionMatrix = { labels: d.labels, matrix: d.matrix, normalized_true: d.normalized.true, normalized_pred: d.normalized.pred, normalized_all: d.normalized.all }
  return (
    <div class="tbe-dashboard">
      <div class="tbe-title-row">
        <h2 class="tbe-title">{d.name}</h2>
        <span class="tbe-subtitle">{`${d.run} · logged confusion matrix · ${d.labels.length} classes · step ${d.step}`}</span>
      </div>
      <StepSlider steps={d.steps} step={d.step} onChange={(step) => state.openDoc(doc.run, doc.name, step)} />
      <div class="tbe-grid2">
        <ConfusionCard cm={cm} norm={v.norm} order={v.order} onNorm={(norm) => state.update({ norm })} onOrder={(order) => state.update({ order })} shell={shell} stem={fileStem(d.run, d.name, `step${d.step}`, 'confusion')} note="as logged" />
      </div>
    </div>
  )
}

/** Keyboard-usable alternative to clicking the canvas legend: a select that toggles a series. */
export function SeriesToggle({ names, hidden, onToggle }: { names: string[]; hidden: ReadonlySet<string>; onToggle(selected: Record<string, boolean>): void }) {
  if (names.length < 2) return null
  return (
    <select
      class="tbe-select tbe-small-select"
      aria-label="Show or hide a series"
      value=""
      onChange={(e) => {
        const name = (e.target as HTMLSelectElement).value
        ;(e.target as HTMLSelectElement).value = ''
        if (name) onToggle({ [name]: hidden.has(name) })
      }}
    >
      <option value="">{`series (${names.length - names.filter((n) => hidden.has(n)).length}/${names.length})…`}</option>
      {names.map((n) => (
        <option key={n} value={n}>
          {`${hidden.has(n) ? '☐' : '☑'} ${n}`}
        </option>
      ))}
    </select>
  )
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`

export function summaryCards(r: EvaluationReport): CardItem[] {
  const m = r.metrics
  const avg = (base: string) => (r.task === 'binary' ? m[base] : (m[`${base}_macro`] ?? m[base]))
  const suffix = r.task === 'binary' ? '' : ' (macro)'
  const items: CardItem[] = [
    { label: r.task === 'multilabel' ? 'Subset accuracy' : 'Accuracy', value: m.accuracy },
    { label: `ROC AUC${suffix}`, value: avg('roc_auc') },
    { label: `AP${suffix}`, value: avg('average_precision') },
    { label: `F1${suffix}`, value: avg('f1') },
    { label: 'Log loss', value: m.log_loss },
    { label: 'ECE', value: m.ece, hint: 'Expected calibration error, 10 uniform bins' },
    { label: 'MCE', value: m.mce, hint: 'Maximum calibration error: the largest bin gap, 10 uniform bins' },
  ]
  if (r.task !== 'multilabel') items.push({ label: 'MCC', value: m.matthews_corrcoef }, { label: 'Brier', value: m.brier_score })
  if (r.task === 'multilabel') items.push({ label: 'Hamming loss', value: m.hamming_loss })
  if (r.task === 'multiclass') items.push({ label: 'Top-3 accuracy', value: m.top_3_accuracy })
  return items
}

// ------------------------------------------------------------------ threshold panel

function ThresholdPanel({ state }: { state: ClassificationState }) {
  const r = state.report.value!
  const t = state.table.value
  const op = state.operating.value
  const notable = state.notable.value
  const v = state.view.value
  const value = state.threshold.value ?? 0.5
  const jump = (label: string, row: number | undefined, id: string) => {
    const at = t && row !== undefined ? thresholdAt(t, row) : null
    return (
      <button type="button" class="tbe-button tbe-small" data-jump={id} disabled={at === null} onClick={() => row !== undefined && state.jumpTo(row)}>
        {at === null ? label : `${label} (t=${at.toFixed(3)})`}
      </button>
    )
  }
  const cards: CardItem[] = op
    ? [
        { label: 'Precision', value: op.precision },
        { label: 'Recall', value: op.recall },
        { label: 'F1', value: op.f1 },
        { label: 'Accuracy', value: op.accuracy, hint: r.task === 'binary' ? 'Accuracy' : 'Accuracy of this class against the rest' },
        { label: 'Specificity', value: op.specificity },
        { label: 'MCC', value: op.mcc },
        { label: 'Expected cost', value: op.cost, hint: 'Per sample: (FP cost × FP + FN cost × FN) / n' },
      ]
    : []
  return (
    <Card title="Threshold" wide testId="threshold-panel" subtitle={r.task === 'binary' ? ` · positive class “${state.focusClass.value}”` : ' · one class against the rest'}>
      <div class="tbe-threshold-row">
        {r.task !== 'binary' ? (
          <label class="tbe-subtitle">
            {'Class '}
            <select class="tbe-select" aria-label="Class against the rest" value={state.focusClass.value ?? ''} onChange={(e) => state.setClass((e.target as HTMLSelectElement).value)}>
              {state.labels.value.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label class="tbe-subtitle" for="tbe-threshold">
          Threshold
        </label>
        <input
          id="tbe-threshold"
          class="tbe-range-input tbe-threshold-range"
          type="range"
          min={0}
          max={1}
          step={0.001}
          value={value}
          disabled={!t}
          aria-label="Threshold"
          onInput={(e) => state.setThreshold(Number((e.target as HTMLInputElement).value))}
        />
        <input
          class="tbe-input tbe-threshold-number"
          type="number"
          min={0}
          max={1}
          step={0.001}
          aria-label="Threshold value"
          value={value.toFixed(3)}
          onChange={(e) => {
            const x = Number((e.target as HTMLInputElement).value)
            if (Number.isFinite(x)) state.setThreshold(x)
          }}
        />
        <span class="tbe-status" data-testid="row-threshold">
          {op && op.rowThreshold !== null ? `score ≥ ${formatNumber(Number(op.rowThreshold.toPrecision(4)))}` : 'nothing predicted positive'}
        </span>
      </div>
      <div class="tbe-threshold-row">
        {jump('Best F1', notable?.bestF1, 'f1')}
        {jump("Youden's J", notable?.youden, 'youden')}
        {jump('Min cost', notable?.cost, 'cost')}
        <label class="tbe-subtitle">
          {'FP cost '}
          <input class="tbe-input tbe-cost" type="number" min={0} step={0.1} aria-label="False positive cost" value={v.costFp} onChange={(e) => state.update({ costFp: Math.max(0, Number((e.target as HTMLInputElement).value) || 0) })} />
        </label>
        <label class="tbe-subtitle">
          {'FN cost '}
          <input class="tbe-input tbe-cost" type="number" min={0} step={0.1} aria-label="False negative cost" value={v.costFn} onChange={(e) => state.update({ costFn: Math.max(0, Number((e.target as HTMLInputElement).value) || 0) })} />
        </label>
        {t ? <span class="tbe-status">{`${formatCount(t.positives)} positive · ${formatCount(t.negatives)} negative`}</span> : <span class="tbe-status">Loading thresholds…</span>}
      </div>
      <div class="tbe-threshold-body">
        <MetricCards items={cards} testId="threshold-cards" />
        {op ? <BinaryMatrix counts={op} positive={state.focusClass.value ?? 'positive'} binary={r.task === 'binary'} negative={r.task === 'binary' ? String(r.labels[0]) : 'rest'} /> : null}
      </div>
    </Card>
  )
}

function BinaryMatrix({ counts, positive, negative }: { counts: { tp: number; fp: number; tn: number; fn: number }; positive: string; negative: string; binary: boolean }) {
  const m = binaryMatrix(counts)
  const total = counts.tp + counts.fp + counts.tn + counts.fn
  const names = [negative, positive]
  const cellName = [
    ['TN', 'FP'],
    ['FN', 'TP'],
  ]
  return (
    <table class="tbe-cm2" data-testid="threshold-matrix" aria-label="Confusion matrix at the threshold">
      <thead>
        <tr>
          <th scope="col">true \ predicted</th>
          {names.map((n) => (
            <th key={`p-${n}`} scope="col">
              {n}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {m.map((row, i) => (
          <tr key={`r${i}`}>
            <th scope="row">{names[i]}</th>
            {row.map((c, j) => (
              <td key={`c${j}`} class={i === j ? 'tbe-cm2-hit' : 'tbe-cm2-miss'} data-cell={cellName[i][j]}>
                <span class="tbe-cm2-name">{cellName[i][j]}</span>
                <span class="tbe-cm2-count">{formatNumber(Number(c.toPrecision(8)))}</span>
                <span class="tbe-cm2-share">{total > 0 ? pct(c / total) : '—'}</span>
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

// ------------------------------------------------------------------ curves

function useColors(shell: Shell) {
  return shell.dark.value ? DARK_COLORS : LIGHT_COLORS
}

function CurveCard({ state, shell, kind, markers }: { state: ClassificationState; shell: Shell; kind: CurveKind; markers?: ReturnType<typeof computed<Marker[]>> }) {
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

function CalibrationCard({ state, shell }: { state: ClassificationState; shell: Shell }) {
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

// ------------------------------------------------------------------ confusion matrix

const NORM_LABEL: Record<Normalization, string> = { count: 'counts', true: 'normalised by true class', pred: 'normalised by predicted class', all: 'share of all' }
const ORDER_LABEL: Record<ClassOrder, string> = { logged: 'logged order', name: 'by name', support: 'by support', recall: 'worst recall first' }

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
            <select class="tbe-select tbe-small-select" aria-label="Normalisation" value={norm} onChange={(e) => onNorm((e.target as HTMLSelectElement).value as Normalization)}>
              {(Object.keys(NORM_LABEL) as Normalization[]).map((k) => (
                <option key={k} value={k}>
                  {NORM_LABEL[k]}
                </option>
              ))}
            </select>
            <select class="tbe-select tbe-small-select" aria-label="Class order" value={order} onChange={(e) => onOrder((e.target as HTMLSelectElement).value as ClassOrder)}>
              {(Object.keys(ORDER_LABEL) as ClassOrder[]).map((k) => (
                <option key={k} value={k}>
                  {ORDER_LABEL[k]}
                </option>
              ))}
            </select>
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

// ------------------------------------------------------------------ per-class report and trend

const REPORT_COLUMNS: ColumnInfo[] = [
  { name: 'class', type: 'string' },
  ...CLASS_REPORT_COLUMNS.map((c) => ({ name: c, type: (c === 'support' ? 'number' : 'number') as ColumnInfo['type'] })),
]

function ClassReportCard({ r }: { r: EvaluationReport }) {
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
        <select
          class="tbe-select tbe-small-select"
          aria-label="Add a metric"
          value=""
          onChange={(e) => {
            const m = (e.target as HTMLSelectElement).value
            if (m) setChosen(names.includes(m) ? names.filter((x) => x !== m) : [...names, m])
          }}
        >
          <option value="">{`metrics (${names.length})…`}</option>
          {available.map((m) => (
            <option key={m} value={m}>
              {`${names.includes(m) ? '✓ ' : ''}${m}`}
            </option>
          ))}
        </select>
      </EChart>
    </Card>
  )
}

// ------------------------------------------------------------------ the dashboard

export function ClassificationView({ state, shell }: { state: ClassificationState; shell: Shell }) {
  const r = state.report.value
  const entry = state.entry.value
  const markers = useMemo(() => {
    const build = (kind: 'roc' | 'pr') =>
      computed<Marker[]>(() => {
        const t = state.table.value
        const op = state.operating.value
        const notable = state.notable.value
        if (!t || !op) return []
        const point = (tp: number, fp: number): [number, number] | null => {
          if (kind === 'roc') return t.negatives > 0 && t.positives > 0 ? [fp / t.negatives, tp / t.positives] : null
          const p = tp + fp > 0 ? tp / (tp + fp) : null
          return p === null || !(t.positives > 0) ? null : [tp / t.positives, p]
        }
        const out: Marker[] = []
        const add = (id: string, row: number, color: string, label: string, shape: Marker['shape']) => {
          if (row < 0) return
          const xy = point(t.tp[row], t.fp[row])
          if (xy) out.push({ id, x: xy[0], y: xy[1], color, label: `${label} (t=${(thresholdAt(t, row) ?? 0).toFixed(3)})`, shape })
        }
        if (notable) {
          add('f1', notable.bestF1, PALETTE[2], 'best F1', 'ring')
          add('youden', notable.youden, PALETTE[1], "Youden's J", 'diamond')
          add('cost', notable.cost, PALETTE[3], 'min cost', 'ring')
        }
        const xy = point(op.tp, op.fp)
        if (xy) out.push({ id: 'op', x: xy[0], y: xy[1], color: PALETTE[0], label: `operating point (t=${op.threshold.toFixed(3)})`, shape: 'point' })
        return out
      })
    return { roc: build('roc'), pr: build('pr') }
  }, [state])
  if (shell.selectedRuns.value.length === 0) return <div class="tbe-empty">Choose one or more runs.</div>
  if (state.doc.value) return <LoggedConfusionView state={state} shell={shell} />
  if (!entry) return <div class="tbe-empty">{state.listing.value === null ? 'Loading…' : 'No classification evaluation in the chosen runs. Log one with run.log_predictions(name, y_true, y_score).'}</div>
  if (!r) return <div class="tbe-empty">Loading…</div>
  const v = state.view.value
  const cm = state.confusion.value
  const trend = state.trend.value
  const stem = (what: string) => fileStem(r.run, r.name, `step${r.step}`, what)
  return (
    <div class="tbe-dashboard" data-task={r.task}>
      <div class="tbe-title-row">
        <h2 class="tbe-title">{r.name}</h2>
        <span class="tbe-subtitle">{`${r.run} · ${r.task}${r.task_inferred ? ' (inferred)' : ''} · ${formatCount(r.n_samples)} samples · ${r.labels.length} ${r.task === 'multilabel' ? 'labels' : 'classes'} · step ${r.step}`}</span>
        {state.loading.value ? <span class="tbe-status">loading…</span> : null}
      </div>
      <StepSlider steps={entry.steps} step={v.step ?? r.step} onChange={state.setStep} />
      <MetricCards items={summaryCards(r)} testId="summary-cards" />
      {Object.keys(r.undefined).length > 0 ? (
        <details class="tbe-note">
          <summary>{`${Object.keys(r.undefined).length} metrics undefined`}</summary>
          <ul>
            {Object.entries(r.undefined).map(([k, why]) => (
              <li key={k}>{`${k}: ${why}`}</li>
            ))}
          </ul>
        </details>
      ) : null}
      <div class="tbe-grid2">
        <ThresholdPanel state={state} />
        <CurveCard state={state} shell={shell} kind="roc" markers={markers.roc} />
        <CurveCard state={state} shell={shell} kind="precision_recall" markers={markers.pr} />
        {cm ? (
          <ConfusionCard
            cm={cm}
            norm={v.norm}
            order={v.order}
            onNorm={(norm) => state.update({ norm })}
            onOrder={(order) => state.update({ order })}
            shell={shell}
            stem={stem('confusion')}
            note={r.task === 'multilabel' ? `label “${state.focusClass.value}” at 0.5` : r.task === 'binary' ? 'at score ≥ 0.5' : 'argmax prediction'}
          />
        ) : null}
        <CalibrationCard state={state} shell={shell} />
        <CurveCard state={state} shell={shell} kind="det" />
        <CurveCard state={state} shell={shell} kind="ks" />
        <CurveCard state={state} shell={shell} kind="cumulative_gains" />
        <CurveCard state={state} shell={shell} kind="lift" />
        <ClassReportCard r={r} />
        {trend ? <TrendCard steps={trend.steps} metrics={trend.metrics} step={r.step} shell={shell} stem={fileStem(r.run, r.name, 'trend')} /> : null}
      </div>
    </div>
  )
}
