// Keyboard-usable alternative to clicking a chart's canvas legend (shared by the evaluation dashboards).
import { PickMenu } from './widgets'

/** Keyboard-usable alternative to clicking the canvas legend: a select that toggles a series. */
export function SeriesToggle({ names, hidden, onToggle }: { names: string[]; hidden: ReadonlySet<string>; onToggle(selected: Record<string, boolean>): void }) {
  if (names.length < 2) return null
  return (
    <PickMenu
      label="Show or hide a series"
      prompt={`series (${names.length - names.filter((n) => hidden.has(n)).length}/${names.length})…`}
      items={names.map((n) => ({ value: n, label: `${hidden.has(n) ? '☐' : '☑'} ${n}` }))}
      onPick={(name) => onToggle({ [name]: hidden.has(name) })}
    />
  )
}
