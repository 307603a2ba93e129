// Keyboard-usable alternative to clicking a chart's canvas legend (shared by the evaluation dashboards).
/** Keyboard-usable alternative to clicking the canvas legend: a select that toggles a series. */
export function SeriesToggle({ names, hidden, onToggle }: { names: string[]; hidden: ReadonlySet<string>; onToggle(selected: Record<string, boolean>): void }) {
  if (names.length < 2) return null
  return (
    <select
      class="tbe-select tbe-small-select"
      aria-label="Show or hide a series"
      value=""
      onChange={(e) => {
        const name = (e.target as HTMLSelectElement).value
        ;(e.target as HTMLSelectElement).value = ''
        if (name) onToggle({ [name]: hidden.has(name) })
      }}
    >
      <option value="">{`series (${names.length - names.filter((n) => hidden.has(n)).length}/${names.length})…`}</option>
      {names.map((n) => (
        <option key={n} value={n}>
          {`${hidden.has(n) ? '☐' : '☑'} ${n}`}
        </option>
      ))}
    </select>
  )
}
