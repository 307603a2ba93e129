// Compare runs: the task selector and the notices naming runs left out or unreadable.
import { type CompareState } from './state'
/** The task selector (when the chosen runs mix tasks) and which runs were left out, and why. */
export function TaskNotice({ state, name }: { state: CompareState; name: string }) {
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
