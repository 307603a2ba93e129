// Compare runs: overlaid ROC / PR / calibration curves (one line per run), a sortable table of
// runs with params and metrics, and a confusion-matrix difference between two runs or steps.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { CompareResponse } from '../../api/evalTypes'
import type { Cell, ColumnInfo } from '../../api/types'
import type { Shell } from '../../app/store'
import { EChart } from '../../charts/EChart'
import { downloadText, fileStem } from '../../charts/export'
import { type ChartColors, DARK_COLORS, LIGHT_COLORS } from '../../charts/lineOption'
import { recolor, sharedRanges, smallMultipleOption } from '../../charts/options/compareRuns'
import { confusionOption } from '../../charts/options/confusion'
import { curveOption } from '../../charts/options/curves'
import { bestIndex, higherIsBetter } from '../../model/bestRun'
import { formatNumber } from '../../model/format'
import { nameHash, runColor } from '../../model/palette'
import { colorRuns, MISSING_COLOR, paramNames, type RunColoring } from '../../model/paramColor'
import type { SortOrder } from '../../model/query'
import { CALIBRATION_SPEC, type CompareKind, compareSeries, compareTable, PVT_SPEC, TABLE_METRICS } from '../../model/eval/compare'
import { confusionDiff, type Normalization } from '../../model/eval/confusion'
import { csvRows, curvesCsv, matrixCsv } from '../../model/eval/csv'
import { CURVE_SPECS, type CurveSeries, type CurveSpec, referenceSeries } from '../../model/eval/series'
import { DataTable } from '../../table/DataTable'
import { sortRows } from '../shared/sortRows'
import { Card } from '../shared/widgets'
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

function Overlay({ state, shell, kind, coloring }: { state: CompareState; shell: Shell; kind: CompareKind; coloring: RunColoring }) {
  const d = state.data.value!
  const shown = state.split.value.shown
  const avg = state.view.value.avg
  const layout = state.view.value.layout
  const colors = shell.dark.value ? DARK_COLORS : LIGHT_COLORS
  const [hidden, setHidden] = useState<Set<string>>(new Set())
  const runNames = shell.runNames.value
  const spec = kind === 'calibration' ? CALIBRATION_SPEC : kind === 'predicted_vs_true' ? PVT_SPEC : CURVE_SPECS[kind]
  const series = useMemo(() => compareSeries(shown, kind, avg, (run) => (runNames.includes(run) ? runNames.indexOf(run) : nameHash(run))), [shown, kind, avg, runNames])
  const refs = useMemo(
    () => (kind === 'calibration' ? [{ name: 'ideal', role: 'reference' as const, index: 0, style: 'dashed' as const, points: [[0, 0, null], [1, 1, null]] as [number, number, null][] }] : kind === 'predicted_vs_true' ? [] : referenceSeries(kind, null)),
    [kind],
  )
  const option = useMemo(() => {
    const o = curveOption({ spec, series: [...refs, ...series], hidden, colors })
    return coloring.legend.kind === 'run' ? o : recolor(o, coloring.colors)
  }, [series, refs, hidden, colors, spec, coloring])
  if (series.length === 0) return null
  if (layout === 'small') return <SmallMultiples kind={kind} spec={spec} series={series} refs={refs} coloring={coloring} colors={colors} dark={shell.dark.value} name={d.name} />
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

/** Small charts drawn at first; "Show more" adds this many (keeps 10+ runs responsive). */
export const SMALL_CAP = 12

/** One small chart per run on the same axis ranges, the run name as a DOM heading (text). */
function SmallMultiples({ kind, spec, series, refs, coloring, colors, dark, name }: { kind: CompareKind; spec: CurveSpec; series: CurveSeries[]; refs: CurveSeries[]; coloring: RunColoring; colors: ChartColors; dark: boolean; name: string }) {
  const [limit, setLimit] = useState(SMALL_CAP)
  const ranges = useMemo(() => sharedRanges(spec, series), [spec, series])
  const more = series.length - limit
  return (
    <Card title={spec.title} wide testId={`compare-${kind}`} subtitle={` · small multiples, one chart per run (${series.length})`}>
      <div data-testid="small-multiples" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))', gap: '8px' }}>
        {series.slice(0, limit).map((s) => (
          <SmallPanel key={s.name} kind={kind} spec={spec} run={s} refs={refs} color={coloring.colors.get(s.name) ?? MISSING_COLOR} ranges={ranges} colors={colors} dark={dark} name={name} />
        ))}
      </div>
      {more > 0 ? (
        <div class="tbe-controls" style={{ marginTop: '6px' }}>
          <button type="button" class="tbe-button tbe-small" onClick={() => setLimit(limit + SMALL_CAP)}>
            {`Show ${Math.min(more, SMALL_CAP)} more`}
          </button>
          <span class="tbe-note">{`${more} of ${series.length} runs not drawn yet`}</span>
        </div>
      ) : null}
    </Card>
  )
}

function SmallPanel({ kind, spec, run, refs, color, ranges, colors, dark, name }: { kind: CompareKind; spec: CurveSpec; run: CurveSeries; refs: CurveSeries[]; color: string; ranges: ReturnType<typeof sharedRanges>; colors: ChartColors; dark: boolean; name: string }) {
  const option = useMemo(() => smallMultipleOption({ spec, run, references: refs, color, ranges, colors }), [spec, run, refs, color, ranges, colors])
  return (
    <div data-small-run={run.name} style={{ border: '1px solid var(--border)', borderRadius: '4px', padding: '4px 6px', minWidth: '0' }}>
      <div class="tbe-small-title" title={run.name} style={{ fontWeight: '500', fontSize: '13px', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
        <span class="tbe-swatch" style={{ background: color, display: 'inline-block', width: '10px', height: '10px', borderRadius: '2px', marginRight: '6px' }} />
        {run.name}
      </div>
      {run.note ? <div class="tbe-note">{run.note}</div> : null}
      <EChart option={option} dark={dark} height={200} label={`${spec.title} of ${run.name}`} exportName={fileStem(name, 'compare', kind, run.name)} />
    </div>
  )
}

/** The "Colour by" key: a gradient bar with min/max for numbers, swatches for categories. */
function ColorKey({ coloring }: { coloring: RunColoring }) {
  const legend = coloring.legend
  if (legend.kind === 'run') return null
  const swatch = (color: string) => <span style={{ display: 'inline-block', width: '10px', height: '10px', borderRadius: '2px', background: color, marginRight: '4px', verticalAlign: 'middle' }} />
  const missing = legend.missing.length > 0 ? (
    <span data-key-missing="" title={legend.missing.join(', ')}>
      {swatch(MISSING_COLOR)}
      {`no ${legend.param} (${legend.missing.length})`}
    </span>
  ) : null
  if (legend.kind === 'numeric')
    return (
      <span class="tbe-subtitle" data-testid="color-key" data-kind="numeric" style={{ display: 'inline-flex', gap: '6px', alignItems: 'center' }}>
        <span data-key-min="">{formatNumber(legend.min)}</span>
        <span aria-hidden="true" style={{ display: 'inline-block', width: '120px', height: '10px', borderRadius: '2px', background: `linear-gradient(to right, ${legend.stops.join(', ')})` }} />
        <span data-key-max="">{formatNumber(legend.max)}</span>
        {legend.log ? <span>(log scale)</span> : null}
        {missing}
      </span>
    )
  return (
    <span class="tbe-subtitle" data-testid="color-key" data-kind="categorical" style={{ display: 'inline-flex', gap: '10px', alignItems: 'center', flexWrap: 'wrap' }}>
      {legend.entries.map((e) => (
        <span key={e.value} data-key-value={e.value}>
          {swatch(e.color)}
          {e.value}
        </span>
      ))}
      {missing}
    </span>
  )
}

/** The runs table, sorted on the client (header buttons: click or Enter/Space, asc → desc →
 * none); sorted by a metric, its best run is marked (★ on the row number, and named above). */
function RunsTable({ table, data, name }: { table: { columns: ColumnInfo[]; rows: Cell[][] }; data: CompareResponse; name: string }) {
  const [sort, setSort] = useState<{ sort: string | null; order: SortOrder }>({ sort: null, order: 'asc' })
  const onSort = useCallback((s: string | null, order: SortOrder) => setSort({ sort: s, order }), [])
  const index = sort.sort === null ? -1 : table.columns.findIndex((c) => c.name === sort.sort)
  const sorted = useMemo(() => (index < 0 ? table.rows : sortRows(table.rows, index, sort.order)), [table, index, sort.order])
  const metric = index >= 0 && TABLE_METRICS.includes(table.columns[index].name) ? table.columns[index].name : null
  const best = metric ? bestIndex(sorted.map((r) => r[index]), metric) : -1
  const wrap = useRef<HTMLDivElement>(null)
  // The marker is DOM decoration of the shared grid (which draws cells as text only): cleared
  // and placed again after every render.
  useEffect(() => {
    const root = wrap.current
    if (!root) return
    root.querySelectorAll('[data-best-marker]').forEach((n) => n.remove())
    root.querySelectorAll<HTMLElement>('tr[data-best]').forEach((tr) => {
      tr.removeAttribute('data-best')
      tr.style.removeProperty('box-shadow')
      tr.style.removeProperty('background')
    })
    const tr = best >= 0 ? root.querySelectorAll<HTMLElement>('tbody tr')[best] : undefined
    if (!tr || !metric) return
    tr.dataset.best = metric
    tr.style.boxShadow = 'inset 3px 0 0 #f57c00'
    tr.style.background = 'var(--accent-soft)'
    const star = document.createElement('span')
    star.dataset.bestMarker = ''
    star.textContent = ' ★'
    star.title = `best ${metric}`
    star.setAttribute('aria-label', `best ${metric}`)
    star.style.color = '#f57c00'
    tr.querySelector('td')?.appendChild(star)
    // and on the sorted metric's cell (visible however the wide table is scrolled)
    const cell = tr.querySelectorAll<HTMLElement>('td')[index + 1]
    if (cell) {
      const mark = star.cloneNode(true) as HTMLElement
      mark.textContent = '★ '
      cell.prepend(mark)
    }
  })
  return (
    <Card title="Runs" wide testId="compare-table">
      <div class="tbe-export">
        <span class="tbe-note" data-testid="compare-best" style={{ marginRight: 'auto' }}>
          {metric && best >= 0
            ? `★ best ${metric} (${higherIsBetter(metric) ? 'higher' : 'lower'} is better): ${String(sorted[best][0])} = ${formatNumber(sorted[best][index] as number)}`
            : 'Sort by a metric column (click its header, or Enter) to mark the best run.'}
        </span>
        <button type="button" class="tbe-button tbe-small" title="Download the table as CSV" onClick={() => downloadText(csvRows(table.columns.map((c) => c.name), table.rows), `${fileStem(name, 'runs')}.csv`, 'text/csv')}>
          CSV
        </button>
        <button type="button" class="tbe-button tbe-small" title="Download the whole compare response (every run's metrics and curves) as JSON" onClick={() => downloadText(`${JSON.stringify(data, null, 1)}\n`, `${fileStem(name, 'compare')}.json`, 'application/json')}>
          JSON
        </button>
      </div>
      <div ref={wrap}>
        <DataTable columns={table.columns} rows={sorted} offset={0} rowCount={sorted.length} pageIndex={0} pageSize={Math.max(1, sorted.length)} sort={sort.sort} order={sort.order} summaries={{}} filters={{}} onSort={onSort} onFilter={() => {}} compact label="Compared runs" />
      </div>
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

/** The runs the server could not read: named, with why, as text; the others are compared. */
export function UnreadRuns({ errors }: { errors: { run: string; error: string }[] | undefined }) {
  if (!errors || errors.length === 0) return null
  return (
    <div class="tbe-task-notice" role="status" data-testid="compare-errors">
      <span class="tbe-notice-text">{`Could not read ${errors.length} ${errors.length === 1 ? 'run' : 'runs'}: `}</span>
      {errors.map((e, i) => (
        <span key={e.run} data-unread-run={e.run}>
          {`${i > 0 ? '; ' : ''}${e.run} — ${e.error}`}
        </span>
      ))}
    </div>
  )
}

export function CompareView({ state, shell }: { state: CompareState; shell: Shell }) {
  const d = state.data.value
  const name = state.name.value
  const shown = state.split.value.shown
  const table = useMemo(() => (d ? compareTable(shown) : null), [d, shown])
  const params = useMemo(() => paramNames(shown), [shown])
  const colorParam = state.view.value.color
  const colorBy = colorParam !== null && params.includes(colorParam) ? colorParam : null
  const runNames = shell.runNames.value
  const coloring = useMemo(() => colorRuns(shown, colorBy, (run) => runColor(run, runNames)), [shown, colorBy, runNames])
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
      <UnreadRuns errors={d?.errors} />
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
        <label class="tbe-subtitle">
          {'Colour by '}
          <select class="tbe-select" aria-label="Colour by" value={colorBy ?? ''} onChange={(e) => state.update({ color: (e.target as HTMLSelectElement).value || null })}>
            <option value="">run</option>
            {params.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <ColorKey coloring={coloring} />
        <span class="tbe-subtitle" style={{ marginLeft: 'auto' }}>
          {'Layout '}
          <span class="tbe-seg" role="group" aria-label="Layout" data-testid="compare-layout">
            {(
              [
                ['overlay', 'overlay'],
                ['small', 'small multiples'],
              ] as const
            ).map(([k, t]) => (
              <button key={k} type="button" aria-pressed={v.layout === k ? 'true' : 'false'} onClick={() => state.update({ layout: k })}>
                {t}
              </button>
            ))}
          </span>
        </span>
      </div>
      {!d ? (
        <div class="tbe-empty">Loading…</div>
      ) : (
        <div class="tbe-grid2">
          {task === 'regression' ? (
            <Overlay state={state} shell={shell} kind="predicted_vs_true" coloring={coloring} />
          ) : (
            <>
              <Overlay state={state} shell={shell} kind="roc" coloring={coloring} />
              <Overlay state={state} shell={shell} kind="precision_recall" coloring={coloring} />
              <Overlay state={state} shell={shell} kind="calibration" coloring={coloring} />
            </>
          )}
          {table ? <RunsTable table={table} data={d} name={name} /> : null}
          {task !== 'regression' ? <DiffCard state={state} shell={shell} /> : null}
        </div>
      )}
    </div>
  )
}
