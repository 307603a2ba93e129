// Compare runs: overlaid ROC / PR / calibration curves (one line per run), a sortable table of
// runs with params and metrics, and a confusion-matrix difference between two runs or steps.
import { useMemo } from 'preact/hooks'
import type { Shell } from '../../app/store'
import { runColor } from '../../model/palette'
import { colorRuns, paramNames } from '../../model/paramColor'
import type { CompareState } from './state'
import { ColorKey, Overlay } from './overlays'
import { RunsTable } from './runsTable'
import { DiffCard } from './diff'
import { TaskNotice, UnreadRuns } from './notices'

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

export function CompareView({ state, shell }: { state: CompareState; shell: Shell }) {
  const d = state.data.value
  const name = state.name.value
  /** Every compared run (the table); the overlays draw state.drawn of them. */
  const rows = state.rows.value.shown
  const loaded = state.table.value !== null || state.legacy.value !== null
  const params = useMemo(() => paramNames(rows), [rows])
  const colorParam = state.view.value.color
  const colorBy = colorParam !== null && params.includes(colorParam) ? colorParam : null
  const runNames = shell.runNames.value
  // coloured over every compared run, so a run keeps its colour when others are drawn
  const coloring = useMemo(() => colorRuns(rows, colorBy, (run) => runColor(run, runNames)), [rows, colorBy, runNames])
  const shown = rows
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
      <UnreadRuns errors={d?.errors ?? state.table.value?.errors} />
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
      {!loaded ? (
        <div class="tbe-empty">Loading…</div>
      ) : (
        <div class="tbe-grid2">
          {!d ? (
            <div class="tbe-empty" data-testid="compare-curves-loading">
              Loading the curves…
            </div>
          ) : task === 'regression' ? (
            <Overlay state={state} shell={shell} kind="predicted_vs_true" coloring={coloring} />
          ) : (
            <>
              <Overlay state={state} shell={shell} kind="roc" coloring={coloring} />
              <Overlay state={state} shell={shell} kind="precision_recall" coloring={coloring} />
              <Overlay state={state} shell={shell} kind="calibration" coloring={coloring} />
            </>
          )}
          <RunsTable
            runs={rows}
            sweep={state.table.value?.sweep ?? null}
            name={name}
            drawn={state.drawn.value}
            onToggle={state.toggleDrawn}
            onDraw={state.setDrawn}
            download={state.exportDrawn}
          />
          {task !== 'regression' ? <DiffCard state={state} shell={shell} /> : null}
        </div>
      )}
    </div>
  )
}
