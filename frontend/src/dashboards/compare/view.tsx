// Compare runs: overlaid ROC / PR / calibration curves (one line per run), a sortable table of
// runs with params and metrics, and a confusion-matrix difference between two runs or steps.
import { useMemo, useState } from 'preact/hooks'
import type { Shell } from '../../app/store'
import { EChart } from '../../charts/EChart'
import { downloadText, fileStem } from '../../charts/export'
import { DARK_COLORS, LIGHT_COLORS } from '../../charts/lineOption'
import { confusionOption } from '../../charts/options/confusion'
import { curveOption } from '../../charts/options/curves'
import { formatNumber } from '../../model/format'
import { nameHash } from '../../model/palette'
import { CALIBRATION_SPEC, type CompareKind, compareSeries, compareTable, PVT_SPEC } from '../../model/eval/compare'
import { confusionDiff, type Normalization } from '../../model/eval/confusion'
import { csvRows, curvesCsv, matrixCsv } from '../../model/eval/csv'
import { CURVE_SPECS, referenceSeries } from '../../model/eval/series'
import { Card, SortedTable } from '../shared/widgets'
import { type CompareState, reportMatrix, type Side } from './state'

export function CompareSidebar({ state }: { state: CompareState }) {
  const names = state.names.value
  const current = state.name.value
  return (
    <nav aria-label="Evaluation names">
      <h2 class="tbe-section-title">Evaluation</h2>
      {names.length === 0 ? (
        <div class="tbe-empty">{state.listing.value === null ? 'Loading…' : 'No evaluations in the chosen runs.'}</div>
      ) : (
        <ul class="tbe-catalog">
          {names.map((n) => (
            <li key={n}>
              <button type="button" class="tbe-item" aria-current={n === current ? 'true' : undefined} onClick={() => state.update({ name: n, task: null, a: null, b: null })}>
                <span class="tbe-name">{n}</span>
                <span class="tbe-count">{`×${state.entries.value.filter((e) => e.name === n).length}`}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <p class="tbe-note">Pick the runs to compare in the run list above (or All).</p>
    </nav>
  )
}

function Overlay({ state, shell, kind }: { state: CompareState; shell: Shell; kind: CompareKind }) {
  const d = state.data.value!
  const shown = state.split.value.shown
  const avg = state.view.value.avg
  const colors = shell.dark.value ? DARK_COLORS : LIGHT_COLORS
  const [hidden, setHidden] = useState<Set<string>>(new Set())
  const runNames = shell.runNames.value
  const spec = kind === 'calibration' ? CALIBRATION_SPEC : kind === 'predicted_vs_true' ? PVT_SPEC : CURVE_SPECS[kind]
  const series = useMemo(() => compareSeries(shown, kind, avg, (run) => (runNames.includes(run) ? runNames.indexOf(run) : nameHash(run))), [shown, kind, avg, runNames])
  const option = useMemo(() => {
    const refs = kind === 'calibration' ? [{ name: 'ideal', role: 'reference' as const, index: 0, style: 'dashed' as const, points: [[0, 0, null], [1, 1, null]] as [number, number, null][] }] : kind === 'predicted_vs_true' ? [] : referenceSeries(kind, null)
    return curveOption({ spec, series: [...refs, ...series], hidden, colors })
  }, [series, hidden, colors, spec, kind])
  if (series.length === 0) return null
  const csv = () => curvesCsv(Object.fromEntries(series.map((s) => [s.name, { [spec.x]: s.points.map((p) => p[0]), [spec.y]: s.points.map((p) => p[1]), ...(kind === 'roc' || kind === 'precision_recall' ? { thresholds: s.points.map((p) => p[2]) } : {}) }])), 'run')
  return (
    <Card title={spec.title} testId={`compare-${kind}`}>
      <EChart
        option={option}
        dark={shell.dark.value}
        label={`${spec.title} of the compared runs`}
        exportName={fileStem(d.name, 'compare', kind)}
        csv={csv}
        onLegend={(selected) => setHidden(new Set(Object.entries(selected).filter(([, on]) => !on).map(([n]) => n)))}
      />
    </Card>
  )
}

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

function DiffCard({ state, shell }: { state: CompareState; shell: Shell }) {
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

/** The task selector (when the chosen runs mix tasks) and which runs were left out, and why. */
function TaskNotice({ state, name }: { state: CompareState; name: string }) {
  const groups = state.groups.value
  const group = state.group.value
  const listed = state.leftOut.value
  const other = state.split.value.other.filter((r) => !listed.some((e) => e.run === r.run))
  const left = [...listed, ...other.map((r) => ({ run: r.run, task: r.task as string }))]
  if (groups.length < 2 && left.length === 0) return null
  return (
    <div class="tbe-task-notice" role="status" data-testid="compare-left-out">
      {groups.length > 1 ? (
        <label class="tbe-subtitle">
          {'Task '}
          <select class="tbe-select" aria-label="Compared task" value={group?.task ?? ''} onChange={(e) => state.update({ task: (e.target as HTMLSelectElement).value, a: null, b: null })}>
            {groups.map((g) => (
              <option key={g.task} value={g.task}>
                {`${g.task} (${g.runs.length} ${g.runs.length === 1 ? 'run' : 'runs'})`}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {left.length > 0 ? (
        <span class="tbe-notice-text">
          {`Left out ${left.length} ${left.length === 1 ? 'run' : 'runs'} whose “${name}” is not ${group?.task ?? 'the shown task'} (curves of different tasks are not comparable): `}
          {left.map((e, i) => (
            <span key={e.run} data-left-out={e.run}>
              {`${i > 0 ? ', ' : ''}${e.run} (${e.task})`}
            </span>
          ))}
          {groups.length > 1 ? '. Pick another task to compare those.' : '.'}
        </span>
      ) : null}
    </div>
  )
}

export function CompareView({ state, shell }: { state: CompareState; shell: Shell }) {
  const d = state.data.value
  const name = state.name.value
  const shown = state.split.value.shown
  const table = useMemo(() => (d ? compareTable(shown) : null), [d, shown])
  if (shell.selectedRuns.value.length === 0) return <div class="tbe-empty">Choose the runs to compare in the run list.</div>
  if (!name) return <div class="tbe-empty">{state.listing.value === null ? 'Loading…' : 'No evaluations in the chosen runs.'}</div>
  const v = state.view.value
  const steps = state.commonSteps.value
  const groupTask = state.group.value?.task
  const task = groupTask && groupTask !== 'unknown' ? groupTask : shown[0]?.task
  return (
    <div class="tbe-dashboard">
      <div class="tbe-title-row">
        <h2 class="tbe-title">{name}</h2>
        <span class="tbe-subtitle">{`${state.runs.value.length} runs`}</span>
      </div>
      <TaskNotice state={state} name={name} />
      <div class="tbe-controls">
        <label class="tbe-subtitle">
          {'Step '}
          <select
            class="tbe-select"
            aria-label="Compared step"
            value={v.step === null ? '' : String(v.step)}
            onChange={(e) => {
              const x = (e.target as HTMLSelectElement).value
              state.update({ step: x === '' ? null : Number(x) })
            }}
          >
            <option value="">each run's newest</option>
            {steps.map((s) => (
              <option key={s} value={String(s)}>
                {`step ${s}`}
              </option>
            ))}
          </select>
        </label>
        {task && task !== 'binary' && task !== 'regression' ? (
          <label class="tbe-subtitle">
            {'Average '}
            <select class="tbe-select" aria-label="Average" value={v.avg} onChange={(e) => state.update({ avg: (e.target as HTMLSelectElement).value as 'micro' | 'macro' })}>
              <option value="micro">micro</option>
              <option value="macro">macro</option>
            </select>
          </label>
        ) : null}
      </div>
      {!d ? (
        <div class="tbe-empty">Loading…</div>
      ) : (
        <div class="tbe-grid2">
          {task === 'regression' ? (
            <Overlay state={state} shell={shell} kind="predicted_vs_true" />
          ) : (
            <>
              <Overlay state={state} shell={shell} kind="roc" />
              <Overlay state={state} shell={shell} kind="precision_recall" />
              <Overlay state={state} shell={shell} kind="calibration" />
            </>
          )}
          {table ? (
            <Card title="Runs" wide testId="compare-table">
              <div class="tbe-export">
                <button type="button" class="tbe-button tbe-small" onClick={() => downloadText(csvRows(table.columns.map((c) => c.name), table.rows), `${fileStem(name, 'runs')}.csv`, 'text/csv')}>
                  CSV
                </button>
              </div>
              <SortedTable columns={table.columns} rows={table.rows} label="Compared runs" />
            </Card>
          ) : null}
          {task !== 'regression' ? <DiffCard state={state} shell={shell} /> : null}
        </div>
      )}
    </div>
  )
}
