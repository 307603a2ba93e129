import { computed, signal } from '@preact/signals'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { reload, startLifecycle } from './lifecycle'

let stop: (() => void) | null = null
afterEach(() => {
  stop?.()
  stop = null
})

function setup() {
  const shell = { refreshTick: signal(0) }
  const listed = signal<string[]>([])
  const opened = signal<string | null>(null)
  const loadListing = vi.fn(() => undefined)
  const open = vi.fn((e: string) => {
    opened.value = e
  })
  return { shell, listed, opened, loadListing, open }
}

describe('startLifecycle', () => {
  it('loads the listing at start and again on every refresh', () => {
    const { shell, listed, opened, open } = setup()
    const abort = vi.fn()
    const loadListing = vi.fn(() => abort)
    stop = startLifecycle(shell, { loadListing, entries: listed, isOpen: () => opened.value !== null, open })
    expect(loadListing).toHaveBeenCalledTimes(1)
    shell.refreshTick.value++
    expect(loadListing).toHaveBeenCalledTimes(2)
    // the previous load is cancelled before the next one starts
    expect(abort).toHaveBeenCalledTimes(1)
  })

  it('opens the first entry once entries are listed, and only when nothing is open', () => {
    const { shell, listed, opened, loadListing, open } = setup()
    stop = startLifecycle(shell, { loadListing, entries: listed, isOpen: () => opened.value !== null, open })
    expect(open).not.toHaveBeenCalled()
    listed.value = ['a', 'b']
    expect(open).toHaveBeenCalledTimes(1)
    expect(opened.value).toBe('a')
    listed.value = ['c', 'a', 'b']
    expect(open).toHaveBeenCalledTimes(1)
    // what is open goes away: the first entry is opened again
    opened.value = null
    expect(opened.value).toBe('c')
    expect(open).toHaveBeenCalledTimes(2)
  })

  it('reloads when the key changes and on refresh, cancelling the previous load; stop ends all', () => {
    const { shell, listed, opened, loadListing, open } = setup()
    const view = signal({ name: 'x', step: 1, other: 0 })
    const key = computed(() => JSON.stringify([view.value.name, view.value.step]))
    const aborts: string[] = []
    const load = vi.fn((k: string) => () => aborts.push(k))
    const seen: (string | null)[] = []
    stop = startLifecycle(shell, {
      loadListing,
      entries: listed,
      isOpen: () => opened.value !== null,
      open,
      reloads: [
        reload(key, load),
        reload(
          () => view.value.name,
          (name) => {
            seen.push(name)
          },
        ),
      ],
    })
    expect(load.mock.calls.map((c) => c[0])).toEqual(['["x",1]'])
    view.value = { ...view.value, other: 1 } // the key does not change
    expect(load).toHaveBeenCalledTimes(1)
    view.value = { ...view.value, step: 2 }
    expect(load.mock.calls.map((c) => c[0])).toEqual(['["x",1]', '["x",2]'])
    expect(aborts).toEqual(['["x",1]'])
    shell.refreshTick.value++
    expect(load).toHaveBeenCalledTimes(3)
    // a function key re-runs its load whenever a signal it reads changes (here: every view change)
    expect(seen).toEqual(['x', 'x', 'x', 'x'])
    stop()
    stop = null
    expect(aborts).toEqual(['["x",1]', '["x",2]', '["x",2]'])
    shell.refreshTick.value++
    view.value = { ...view.value, step: 3 }
    expect(load).toHaveBeenCalledTimes(3)
    expect(loadListing).toHaveBeenCalledTimes(2)
  })

  it('does not subscribe to what a load reads', () => {
    const { shell, listed, opened, loadListing, open } = setup()
    const key = signal('k')
    const unrelated = signal(0)
    const load = vi.fn(() => {
      void unrelated.value
    })
    stop = startLifecycle(shell, { loadListing, entries: listed, isOpen: () => opened.value !== null, open, reloads: [reload(key, load)] })
    unrelated.value = 1
    expect(load).toHaveBeenCalledTimes(1)
  })
})
