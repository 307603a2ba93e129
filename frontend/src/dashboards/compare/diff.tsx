// Compare runs: the confusion-matrix difference between two (run, step) pairs.
import { useMemo } from 'preact/hooks'
import type { Shell } from '../../app/store'
import { EChart } from '../../charts/EChart'
import { fileStem } from '../../charts/export'
import { DARK_COLORS, LIGHT_COLORS } from '../../charts/lineOption'
import { confusionOption } from '../../charts/options/confusion'
import { formatNumber } from '../../model/format'
import { confusionDiff, type Normalization } from '../../model/eval/confusion'
import { matrixCsv } from '../../model/eval/csv'
import { Card } from '../shared/widgets'
import { type CompareState, reportMatrix, type Side } from './state'
function SidePicker({ state, label, side, onChange }: { state: CompareState; label: string; side: Side; onChange(side: Side): void }) {
  const runs = state.runs.value
  const steps = runs.find((e) => e.run === side.run)?.steps ?? []
  return (
    <span class="tbe-controls">
      <span class="tbe-subtitle">{label}</span>
      <select class="tbe-select tbe-small-select" aria-label={`${label} run`} value={side.run} onChange={(e) => onChange({ run: (e.target as HTMLSelectElement).value, step: null })}>
        {runs.map((e) => (
          <option key={e.run} value={e.run}>
            {e.run}
          </option>
        ))}
      </select>
      <select
        class="tbe-select tbe-small-select"
        aria-label={`${label} step`}
        value={side.step === null ? '' : String(side.step)}
        onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value
          onChange({ run: side.run, step: v === '' ? null : Number(v) })
        }}
      >
        <option value="">{`latest (${steps[steps.length - 1] ?? '—'})`}</option>
        {steps.map((s) => (
          <option key={s} value={String(s)}>
            {`step ${s}`}
          </option>
        ))}
      </select>
    </span>
  )
}

const NORMS: [Normalization, string][] = [
  ['true', 'normalised by true class'],
  ['pred', 'normalised by predicted class'],
  ['all', 'share of all'],
  ['count', 'counts'],
]

export function DiffCard({ state, shell }: { state: CompareState; shell: Shell }) {
  const sides = state.sides.value
  const a = state.reportA.value
  const b = state.reportB.value
  const norm = state.view.value.norm
  const colors = shell.dark.value ? DARK_COLORS : LIGHT_COLORS
  const ma = reportMatrix(a)
  const mb = reportMatrix(b)
  const diff = useMemo(() => (ma && mb ? confusionDiff(ma, mb, norm) : null), [ma, mb, norm])
  const option = useMemo(() => (diff ? confusionOption({ labels: diff.labels, values: diff.diff, normalized: norm !== 'count', diverging: true, colors, dark: shell.dark.value }) : null), [diff, colors, norm, shell.dark.value])
  const changes = useMemo(() => {
    if (!diff) return []
    const out: { t: string; p: string; d: number }[] = []
    diff.diff.forEach((row, i) => row.forEach((d, j) => Math.abs(d) > 1e-12 && out.push({ t: diff.labels[i], p: diff.labels[j], d })))
    return out.sort((x, y) => Math.abs(y.d) - Math.abs(x.d)).slice(0, 8)
  }, [diff])
  if (!sides) return null
  const describe = (s: Side, r: typeof a) => `${s.run} @ step ${r?.step ?? s.step ?? 'latest'}`
  return (
    <Card title="Confusion-matrix difference" wide testId="confusion-diff" subtitle=" · B − A (red: more in B, blue: fewer)">
      <div class="tbe-controls">
        <SidePicker state={state} label="A" side={sides.a} onChange={(s) => state.update({ a: s, b: sides.b })} />
        <SidePicker state={state} label="B" side={sides.b} onChange={(s) => state.update({ b: s, a: sides.a })} />
        <select class="tbe-select tbe-small-select" aria-label="Difference normalisation" value={norm} onChange={(e) => state.update({ norm: (e.target as HTMLSelectElement).value as Normalization })}>
          {NORMS.map(([k, t]) => (
            <option key={k} value={k}>
              {t}
            </option>
          ))}
        </select>
      </div>
      {a && b && (!ma || !mb) ? <div class="tbe-empty">No single confusion matrix for this task (multilabel and regression have none).</div> : null}
      {diff && option ? (
        <div class="tbe-cm-layout">
          <div class="tbe-cm-chart">
            <EChart option={option} dark={shell.dark.value} label="Confusion matrix difference" height={Math.min(640, Math.max(300, 120 + Math.min(diff.labels.length, 40) * 16))} exportName={fileStem(state.name.value, 'confusion-diff')} csv={() => matrixCsv(diff.labels, diff.diff)} />
            <div class="tbe-note">{`A = ${describe(sides.a, a)} · B = ${describe(sides.b, b)}`}</div>
          </div>
          <div class="tbe-cm-top">
            <h4 class="tbe-section-title">Largest changes</h4>
            <ol class="tbe-top-list" data-testid="diff-changes">
              {changes.map((c) => (
                <li key={`${c.t}\u0000${c.p}`}>
                  <span class="tbe-top-pair">{`${c.t} → ${c.p} `}</span>
                  <span class="tbe-top-count">{`${c.d > 0 ? '+' : ''}${formatNumber(Number(c.d.toPrecision(3)))}`}</span>
                </li>
              ))}
            </ol>
          </div>
        </div>
      ) : a && b ? null : (
        <div class="tbe-empty">Loading…</div>
      )}
    </Card>
  )
}
