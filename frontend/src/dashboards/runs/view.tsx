// Runs: each chosen run's status, params, tags, properties and uploaded files (with download
// links to file?run=R&name=NAME), and why its run record cannot be read when it cannot.
// Everything logged is rendered as text. The table draws only the rows in view (virtual rows of
// measured heights), so 1,000 chosen runs cost the DOM of a few dozen rows.
import { useMemo } from 'preact/hooks'
import { fileUrl } from '../../api/client'
import type { RunInfo } from '../../api/types'
import type { Shell } from '../../app/store'
import { formatBytes } from '../../model/format'
import { SpacerRow, useVirtualWindow } from '../shared/virtualRows'

/** Height of a run's row before it is measured, px. */
export const RUNS_ROW = 48
/** Height of the table's viewport before it is laid out, px. */
const RUNS_VIEWPORT = 600
const COLUMNS = 7

/** The server's reason a run record cannot be read (``error`` of ``/runs``), or null. */
export function recordError(run: RunInfo): string | null {
  const error = (run as RunInfo & { error?: unknown }).error
  return typeof error === 'string' && error !== '' ? error : null
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function Pairs({ values }: { values?: Record<string, unknown> }) {
  const entries = Object.entries(values ?? {})
  if (entries.length === 0) return <span class="tbe-missing">—</span>
  return (
    <span class="tbe-kv">
      {entries.map(([k, v]) => (
        <span key={k} class="tbe-chip">{v === '' ? k : `${k} = ${text(v)}`}</span>
      ))}
    </span>
  )
}

export function RunsView({ shell }: { shell: Shell }) {
  const all = shell.runs.value
  const selected = shell.selectedRuns.value
  const runs = useMemo(() => {
    const chosen = new Set(selected)
    return all.filter((r) => chosen.has(r.run))
  }, [all, selected])
  const keys = useMemo(() => runs.map((r) => r.run), [runs])
  const { box, onScroll, start, end, before, after } = useVirtualWindow<HTMLDivElement>(keys, { rowHeight: RUNS_ROW, viewport: RUNS_VIEWPORT, measure: true })
  if (shell.runs.value.length === 0) return <div class="tbe-empty">{shell.loadingRuns.value ? 'Loading…' : 'No runs yet.'}</div>
  if (runs.length === 0) return <div class="tbe-empty">Choose one or more runs.</div>
  return (
    <div class="tbe-dashboard">
      <div class="tbe-title-row">
        <h2 class="tbe-title">Runs</h2>
        <span class="tbe-subtitle">{`${runs.length} runs · params, tags, properties and uploaded files`}</span>
      </div>
      <div ref={box} class="tbe-grid-wrap" onScroll={onScroll}>
        <table class="tbe-runs-table" aria-label="Runs" data-testid="runs-table" data-rows={String(runs.length)} aria-rowcount={runs.length + 1}>
          <thead>
            <tr>
              <th scope="col">run</th>
              <th scope="col">status</th>
              <th scope="col">started</th>
              <th scope="col">params</th>
              <th scope="col">tags</th>
              <th scope="col">properties</th>
              <th scope="col">files</th>
            </tr>
          </thead>
          <tbody>
            <SpacerRow at="top" height={before} columns={COLUMNS} />
            {runs.slice(start, end).map((r, k) => (
              <tr key={r.run} data-run={r.run} data-vkey={r.run} aria-rowindex={start + k + 2}>
                <td>
                  {r.run}
                  {r.display_name && r.display_name !== r.name ? <span class="tbe-status">{` ${r.display_name}`}</span> : null}
                  {recordError(r) !== null && (
                    <div class="tbe-run-error tbe-status-failure" data-testid="run-error">
                      {recordError(r)}
                    </div>
                  )}
                </td>
                <td class={`tbe-status-${r.status ?? 'unknown'}`}>{r.status ?? 'unknown'}</td>
                <td>{r.start_time ? new Date(r.start_time * 1000).toLocaleString() : '—'}</td>
                <td>
                  <Pairs values={r.params} />
                </td>
                <td>
                  <Pairs values={r.tags} />
                </td>
                <td>
                  <Pairs values={r.properties} />
                </td>
                <td>
                  {(r.files ?? []).length === 0 ? (
                    <span class="tbe-missing">—</span>
                  ) : (
                    <ul class="tbe-files">
                      {(r.files ?? []).map((f) => (
                        <li key={f.name}>
                          {shell.offline.value ? (
                            <span title="Not in this offline report">{f.name}</span>
                          ) : (
                            <a href={fileUrl(r.run, f.name)} download={f.name.split('/').pop() ?? f.name}>
                              {f.name}
                            </a>
                          )}
                          <span class="tbe-status">{` ${formatBytes(f.size)}`}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
            <SpacerRow at="bottom" height={after} columns={COLUMNS} />
          </tbody>
        </table>
      </div>
    </div>
  )
}
