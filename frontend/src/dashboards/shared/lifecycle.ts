// The three effects every dashboard's state repeats: load the listing (at start and on every
// refresh), open the first entry when nothing listed is open, and reload what a key names when
// the key changes (and on every refresh).
import { effect, type ReadonlySignal, untracked } from '@preact/signals'
import type { Shell } from '../../app/store'

/** What an effect may return: a function that cancels it (an aborting loader), or nothing. */
export type Cleanup = (() => void) | void

export interface Reload<K> {
  /** Read inside an effect: the signals it reads re-run the load when they change. */
  key(): K
  /** Called with the key at start, when the key changes and on every refresh (untracked). */
  load(key: K): Cleanup
}

/** A keyed load; a signal key compares by value when it is a string (a computed JSON key). */
export function reload<K>(key: ReadonlySignal<K>, load: (key: K) => Cleanup): Reload<K>
export function reload<K>(key: () => K, load: (key: K) => Cleanup): Reload<K>
export function reload<K>(key: ReadonlySignal<K> | (() => K), load: (key: K) => Cleanup): Reload<K> {
  return { key: typeof key === 'function' ? key : () => key.value, load }
}

export interface Lifecycle<E> {
  /** Loads the listing; returns its cancel function. */
  loadListing(): Cleanup
  /** The entries listed for the chosen runs, in order. */
  entries: ReadonlySignal<readonly E[]>
  /** Whether something is open; read inside an effect (the signals it reads re-run the check). */
  isOpen(): boolean
  /** Opens an entry: the first one when entries are listed and nothing is open. */
  open(entry: E): void
  /** The keyed loads, in the order their effects are created. */
  reloads?: Reload<unknown>[]
}

/** Starts the effects of a dashboard; returns the function that stops them all. */
export function startLifecycle<E>(shell: Pick<Shell, 'refreshTick'>, lifecycle: Lifecycle<E>): () => void {
  const stops = [
    effect(() => {
      void shell.refreshTick.value
      return untracked(() => lifecycle.loadListing())
    }),
    effect(() => {
      const list = lifecycle.entries.value
      if (list.length > 0 && !lifecycle.isOpen()) untracked(() => lifecycle.open(list[0]))
    }),
    ...(lifecycle.reloads ?? []).map((r) =>
      effect(() => {
        const key = r.key()
        void shell.refreshTick.value
        return untracked(() => r.load(key))
      }),
    ),
  ]
  return () => stops.forEach((stop) => stop())
}
