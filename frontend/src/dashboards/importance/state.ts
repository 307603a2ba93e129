// State of the Feature importance dashboard: which logged importance is open, its step, the
// class shown and how many bars. No view code.
import { batch, computed, signal } from '@preact/signals'
import type { Api } from '../../api/client'
import type { EvaluationsResponse, ImportanceResponse } from '../../api/evalTypes'
import type { Shell } from '../../app/store'
import { parseInteger } from '../../model/viewState'
import { reload, startLifecycle } from '../shared/lifecycle'
import { makeLoader } from '../shared/loader'
import { entryFromUrl, entryToUrl, type OpenEntry, viewState } from '../shared/view'

export interface ImportanceUrlState extends OpenEntry {
  /** null: the overall importances. */
  cls: string | null
  topK: number
}

export const TOP_K_CHOICES = [10, 20, 50, 0] // 0: all

export function createImportanceState(api: Api, shell: Shell) {
  const { view, update } = viewState<ImportanceUrlState>({ run: null, name: null, step: null, cls: null, topK: 20 })
  const listing = signal<EvaluationsResponse | null>(null)
  const data = signal<ImportanceResponse | null>(null)
  const entries = computed(() => {
    const runs = new Set(shell.selectedRuns.value)
    return (listing.value?.importances ?? []).filter((e) => runs.has(e.run))
  })
  const entry = computed(() => entries.value.find((e) => e.run === view.value.run && e.name === view.value.name) ?? null)
  const loader = makeLoader(shell, 'Could not load the feature importances')
  const loadListing = loader(async (signal) => {
    listing.value = await api.evaluations(signal)
  })
  const load = loader(async (signal, run: string, name: string, step: number | null) => {
    const d = await api.importance(run, name, step, signal)
    if (!signal.aborted) data.value = d
  })
  const key = computed(() => (entry.value ? JSON.stringify([view.value.run, view.value.name, view.value.step]) : ''))
  function open(run: string, name: string): void {
    batch(() => {
      view.value = { ...view.value, run, name, step: null, cls: null }
      data.value = null
    })
  }
  return {
    view,
    listing,
    data,
    entries,
    entry,
    open,
    update,
    setStep(step: number) {
      const steps = entry.value?.steps ?? []
      update({ step: step === steps[steps.length - 1] ? null : step })
    },
    start: () =>
      startLifecycle(shell, {
        loadListing,
        entries,
        isOpen: () => entry.value !== null,
        open: (e) => open(e.run, e.name),
        reloads: [
          reload(key, () => {
            const v = view.peek()
            if (entry.peek() && v.run !== null && v.name !== null) return load(v.run, v.name, v.step)
          }),
        ],
      }),
    restore(d: Record<string, string>) {
      const topK = parseInteger(d.imp_k)
      view.value = {
        ...entryFromUrl(d, 'imp_'),
        cls: d.imp_class ?? null,
        topK: topK !== null && TOP_K_CHOICES.includes(topK) ? topK : 20,
      }
    },
    urlData() {
      const v = view.value
      const out = entryToUrl(v, 'imp_')
      if (v.cls !== null) out.imp_class = v.cls
      if (v.topK !== 20) out.imp_k = String(v.topK)
      return out
    },
  }
}

export type ImportanceState = ReturnType<typeof createImportanceState>
