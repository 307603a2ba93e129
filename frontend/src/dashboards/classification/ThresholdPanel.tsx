// The threshold panel: class picker, threshold slider, jumps to notable points, live cards and
// the 2×2 matrix at the threshold (computed on the client from the threshold table).
import { formatCount, formatNumber } from '../../model/format'
import { binaryMatrix } from '../../model/eval/confusion'
import { thresholdAt } from '../../model/eval/threshold'
import { pct } from '../shared/ConfusionCard'
import { Card, type CardItem, MetricCards } from '../shared/widgets'
import type { ClassificationState } from './state'

export function ThresholdPanel({ state }: { state: ClassificationState }) {
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
