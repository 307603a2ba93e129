// A dashboard's URL state: one signal, replaced as a whole so that effects see one change; the
// open entry's URL keys.
import { signal } from '@preact/signals'
import { parseInteger } from '../../model/viewState'

/** The logged entry a dashboard has open (an evaluation, a feature importance). */
export interface OpenEntry {
  run: string | null
  name: string | null
  /** null: the newest step. */
  step: number | null
}

/** The run, name and step under a dashboard's prefix ("reg_run", ...); null values are left out. */
export function entryToUrl(v: OpenEntry, prefix: string): Record<string, string> {
  const d: Record<string, string> = {}
  if (v.run !== null) d[`${prefix}run`] = v.run
  if (v.name !== null) d[`${prefix}name`] = v.name
  if (v.step !== null) d[`${prefix}step`] = String(v.step)
  return d
}

export function entryFromUrl(data: Record<string, string>, prefix: string): OpenEntry {
  return { run: data[`${prefix}run`] ?? null, name: data[`${prefix}name`] ?? null, step: parseInteger(data[`${prefix}step`]) }
}

export function viewState<V>(initial: V) {
  const view = signal<V>(initial)
  /** Replaces the view with `patch` applied. */
  function update(patch: Partial<V>): void {
    view.value = { ...view.value, ...patch }
  }
  return { view, update }
}
