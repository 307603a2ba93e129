// Views of the Classification dashboard. They read signals and call actions; the maths lives in
// src/model/eval and the chart options in src/charts/options.
import { computed } from '@preact/signals'
import { useMemo } from 'preact/hooks'
import type { EvaluationReport } from '../../api/evalTypes'
import type { Shell } from '../../app/store'
import type { Marker } from '../../charts/EChart'
import { fileStem } from '../../charts/export'
import { PALETTE } from '../../charts/options/common'
import { formatCount } from '../../model/format'
import { thresholdAt } from '../../model/eval/threshold'
import { ConfusionCard } from '../shared/ConfusionCard'
import { TrendCard } from '../shared/TrendCard'
import { type CardItem, MetricCards, StepSlider } from '../shared/widgets'
import { CalibrationCard, ClassReportCard, CurveCard } from './cards'
import { LoggedConfusionView } from './sidebar'
import type { ClassificationState } from './state'
import { ThresholdPanel } from './ThresholdPanel'

export { ClassificationSidebar } from './sidebar'

/** The metric each summary card shows (a binned summary's `unavailable` lists what it cannot give). */
const CARD_METRIC: Record<string, string> = {
  Accuracy: 'accuracy',
  'Subset accuracy': 'accuracy',
  F1: 'f1',
  'F1 (macro)': 'f1',
  'Log loss': 'log_loss',
  ECE: 'ece',
  MCE: 'ece',
  MCC: 'matthews_corrcoef',
  Brier: 'brier_score',
  'Top-3 accuracy': 'top_k_accuracy',
}

export function summaryCards(r: EvaluationReport): CardItem[] {
  const items = allCards(r)
  const unavailable = r.summary?.unavailable
  return unavailable ? items.filter((item) => !(CARD_METRIC[item.label] in unavailable)) : items
}

const fmtBound = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '?' : v < 1e-3 ? v.toExponential(1) : v.toFixed(4))

/** What a binned summary is, its error bound and what it cannot give (only for summaries). */
export function SummaryNote({ r }: { r: EvaluationReport }) {
  const s = r.summary
  if (r.source !== 'summary' || !s) return null
  const b = s.error_bounds
  const key = (base: string) => (r.task === 'binary' ? base : `${base}_macro`)
  const unsure = Object.values(s.threshold_uncertain).reduce((a, v) => a + v, 0)
  const bins = s.mantissa_bits === null ? `${s.bins} bins (accuracy-table thresholds)` : `${s.bins} bins`
  return (
    <details class="tbe-note tbe-summary-note" data-testid="summary-note" open>
      <summary>
        {`From a binned summary (${bins}): curves and metrics are exact at the bins' scores; `}
        <span data-testid="summary-bound">{`ROC AUC ± ${fmtBound(b[key('roc_auc')])}, AP ± ${fmtBound(b[key('average_precision')])}`}</span>
        {' at worst.'}
      </summary>
      <ul>
        {Object.entries(b).map(([k, v]) => (
          <li key={k}>{`${k}: within ${fmtBound(v)} of the raw predictions' value`}</li>
        ))}
        {unsure > 0 ? <li>{`confusion matrix at ${s.threshold}: ${formatCount(unsure)} samples lie in a bin holding the threshold (counted as spread evenly)`}</li> : null}
        {Object.entries(s.unavailable).map(([k, why]) => (
          <li key={k} data-unavailable={k}>{`not available: ${k} (${why})`}</li>
        ))}
      </ul>
    </details>
  )
}

function allCards(r: EvaluationReport): CardItem[] {
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
        {r.source === 'summary' ? <span class="tbe-badge" data-testid="summary-badge" title="Logged as a binned summary (log_accuracy_table, an evaluation accumulator or summary='binned'), not raw predictions">binned summary</span> : null}
        <span class="tbe-subtitle">{`${r.run} · ${r.task}${r.task_inferred ? ' (inferred)' : ''} · ${formatCount(r.n_samples)} samples · ${r.labels.length} ${r.task === 'multilabel' ? 'labels' : 'classes'} · step ${r.step}`}</span>
        {state.loading.value ? <span class="tbe-status">loading…</span> : null}
      </div>
      <StepSlider steps={entry.steps} step={v.step ?? r.step} onChange={state.setStep} />
      <MetricCards items={summaryCards(r)} testId="summary-cards" />
      <SummaryNote r={r} />
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
