// The run picker shared by every dashboard.
import { useState } from 'preact/hooks'
import { runColor } from '../model/palette'
import type { Shell } from './store'

export function RunPicker({ shell }: { shell: Shell }) {
  const [filter, setFilter] = useState('')
  const runs = shell.runs.value
  const selected = new Set(shell.selectedRuns.value)
  const needle = filter.trim().toLowerCase()
  const shown = needle ? runs.filter((r) => r.run.toLowerCase().includes(needle)) : runs
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
      <div class="tbe-runs">
        {runs.length === 0 ? <div class="tbe-empty">{shell.loadingRuns.value ? 'Loading…' : 'No runs yet.'}</div> : null}
        {shown.map((run) => {
          const color = runColor(run.run, shell.runNames.value)
          return (
            <label key={run.run} class="tbe-check" title={run.status ? `${run.run} (${run.status})` : run.run}>
              <input type="checkbox" checked={selected.has(run.run)} onChange={() => shell.toggleRun(run.run)} />
              <span class="tbe-swatch" style={{ background: color }} />
              <span>{run.run}</span>
            </label>
          )
        })}
      </div>
    </section>
  )
}
