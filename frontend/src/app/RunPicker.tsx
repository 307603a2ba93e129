// The run picker shared by every dashboard. Its list draws only the runs in view (virtual rows),
// so a logdir of 1,000 runs costs the DOM of a few dozen.
import { useMemo, useState } from 'preact/hooks'
import { useVirtualWindow } from '../dashboards/shared/virtualRows'
import { runColor } from '../model/palette'
import type { Shell } from './store'

/** Height of one run's line (an estimate: long names wrap, each drawn line is measured). */
export const PICKER_ROW = 24
/** Height of the list's viewport before it is laid out, px. */
const PICKER_VIEWPORT = 480

export function RunPicker({ shell }: { shell: Shell }) {
  const [filter, setFilter] = useState('')
  const runs = shell.runs.value
  const selected = new Set(shell.selectedRuns.value)
  const needle = filter.trim().toLowerCase()
  const shown = useMemo(() => (needle ? runs.filter((r) => r.run.toLowerCase().includes(needle)) : runs), [runs, needle])
  const keys = useMemo(() => shown.map((r) => r.run), [shown])
  const { box, onScroll, start, end, before, after } = useVirtualWindow<HTMLDivElement>(keys, { rowHeight: PICKER_ROW, viewport: PICKER_VIEWPORT, measure: true })
  return (
    <section aria-label="Runs">
      <h2 class="tbe-section-title">{`Runs (${selected.size}/${runs.length})`}</h2>
      {runs.length > 6 ? (
        <input
          class="tbe-input"
          style="width:100%;margin-bottom:6px"
          type="search"
          placeholder="Filter runs"
          aria-label="Filter runs"
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
        />
      ) : null}
      <div class="tbe-runs-actions">
        <button type="button" class="tbe-link" onClick={() => (shell.chosenRuns.value = null)}>
          All
        </button>
        <button type="button" class="tbe-link" onClick={() => (shell.chosenRuns.value = [])}>
          None
        </button>
      </div>
      <div ref={box} class="tbe-runs" onScroll={onScroll} data-testid="run-picker" data-rows={String(shown.length)}>
        {runs.length === 0 ? <div class="tbe-empty">{shell.loadingRuns.value ? 'Loading…' : 'No runs yet.'}</div> : null}
        {before > 0 ? <div aria-hidden="true" data-spacer="top" style={{ height: `${before}px`, flex: 'none' }} /> : null}
        {shown.slice(start, end).map((run) => {
          const color = runColor(run.run, shell.runNames.value)
          return (
            <label key={run.run} data-vkey={run.run} class="tbe-check" title={run.status ? `${run.run} (${run.status})` : run.run}>
              <input type="checkbox" checked={selected.has(run.run)} onChange={() => shell.toggleRun(run.run)} />
              <span class="tbe-swatch" style={{ background: color }} />
              <span>{run.run}</span>
            </label>
          )
        })}
        {after > 0 ? <div aria-hidden="true" data-spacer="bottom" style={{ height: `${after}px`, flex: 'none' }} /> : null}
      </div>
    </section>
  )
}
