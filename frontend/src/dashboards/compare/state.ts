// State of the Compare runs dashboard: one evaluation name across the chosen runs, their curves
// and metrics (evaluation/compare), and a confusion-matrix difference between two (run, step)
// pairs computed on the client from two evaluation reports. No view code.
import { computed, effect, signal } from '@preact/signals'
import type { Api } from '../../api/client'
import type { CompareResponse, ConfusionMatrix, EvaluationReport, EvaluationsResponse } from '../../api/evalTypes'
import type { Shell } from '../../app/store'
import { groupByTask, pickTask, splitByTask } from '../../model/eval/compare'
import type { Normalization } from '../../model/eval/confusion'
import { parseInteger, parseJson } from '../../model/viewState'
import { makeLoader } from '../shared/loader'

export interface Side {
  run: string
  step: number | null
}

export interface CompareUrlState {
  name: string | null
  /** The compared task when the chosen runs mix tasks (null: the task of most runs). */
  task: string | null
  /** null: each run's newest step. */
  step: number | null
  avg: 'micro' | 'macro'
  a: Side | null
  b: Side | null
  norm: Normalization
  /** "Colour by": a param name, or null for each run's own colour. */
  color: string | null
  /** Overlay (one chart, one line per run) or small multiples (one small chart per run). */
  layout: 'overlay' | 'small'
}

function parseSide(value: unknown): Side | null {
  if (!value || typeof value !== 'object') return null
  const { run, step } = value as Record<string, unknown>
  if (typeof run !== 'string') return null
  return { run, step: typeof step === 'number' && Number.isInteger(step) ? step : null }
}

/** The confusion matrix of a report (multilabel: none — a 2×2 per label is not one matrix). */
export function reportMatrix(r: EvaluationReport | null): ConfusionMatrix | null {
  const cm = r?.curves.confusion_matrix
  return cm && 'matrix' in cm ? (cm as ConfusionMatrix) : null
}

export function createCompareState(api: Api, shell: Shell) {
  const view = signal<CompareUrlState>({ name: null, task: null, step: null, avg: 'micro', a: null, b: null, norm: 'true', color: null, layout: 'overlay' })
  const listing = signal<EvaluationsResponse | null>(null)
  const data = signal<CompareResponse | null>(null)
  const reportA = signal<EvaluationReport | null>(null)
  const reportB = signal<EvaluationReport | null>(null)

  const entries = computed(() => {
    const runs = new Set(shell.selectedRuns.value)
    return (listing.value?.evaluations ?? []).filter((e) => runs.has(e.run))
  })
  const names = computed(() => [...new Set(entries.value.map((e) => e.name))])
  const name = computed(() => (view.value.name !== null && names.value.includes(view.value.name) ? view.value.name : (names.value[0] ?? null)))
  /** Every chosen run with the name, grouped by task (largest group first). */
  const named = computed(() => entries.value.filter((e) => e.name === name.value))
  const groups = computed(() => groupByTask(named.value))
  const group = computed(() => pickTask(groups.value, view.value.task))
  /** The compared runs: those whose evaluation has the shown task. */
  const runs = computed(() => {
    const g = group.value
    return g ? named.value.filter((e) => (e.task ?? 'unknown') === g.task) : []
  })
  /** Chosen runs with the name but another task (listed in the notice). */
  const leftOut = computed(() => {
    const g = group.value
    return g ? named.value.filter((e) => (e.task ?? 'unknown') !== g.task).map((e) => ({ run: e.run, task: e.task ?? 'unknown' })) : []
  })
  /** The compare response split into the shown task and runs whose compared step has another. */
  const split = computed(() => splitByTask(data.value?.runs ?? [], group.value?.task ?? null))
  /** Steps logged by every compared run (the step picker's choices). */
  const commonSteps = computed(() => {
    const lists = runs.value.map((e) => e.steps)
    if (lists.length === 0) return []
    return lists[0].filter((s) => lists.every((l) => l.includes(s)))
  })
  /** The two sides of the difference: chosen, or a default (one run: first vs last step; else the
   * first two runs at their newest step). */
  const sides = computed<{ a: Side; b: Side } | null>(() => {
    const list = runs.value
    if (list.length === 0) return null
    const valid = (s: Side | null) => (s && list.some((e) => e.run === s.run && (s.step === null || e.steps.includes(s.step))) ? s : null)
    const first = list[0]
    const defaultA: Side = list.length > 1 ? { run: first.run, step: null } : { run: first.run, step: first.steps[0] ?? null }
    const defaultB: Side = list.length > 1 ? { run: list[1].run, step: null } : { run: first.run, step: first.steps[first.steps.length - 1] ?? null }
    return { a: valid(view.value.a) ?? defaultA, b: valid(view.value.b) ?? defaultB }
  })

  const loader = makeLoader(shell, 'Could not compare the runs')
  const loadListing = loader(async (signal) => {
    listing.value = await api.evaluations(signal)
  })
  const load = loader(async (signal, list: string[], n: string, step: number | null) => {
    const d = await api.compare(list, n, step, signal)
    if (!signal.aborted) data.value = d
  })
  const loadSide = (target: typeof reportA) =>
    loader(async (signal, side: Side, n: string) => {
      const r = await api.evaluation(side.run, n, side.step, signal)
      if (!signal.aborted) target.value = r
    })
  const loadA = loadSide(reportA)
  const loadB = loadSide(reportB)

  const key = computed(() => (name.value ? JSON.stringify([runs.value.map((e) => e.run), name.value, view.value.step]) : ''))
  const keyA = computed(() => (name.value && sides.value ? JSON.stringify([sides.value.a, name.value]) : ''))
  const keyB = computed(() => (name.value && sides.value ? JSON.stringify([sides.value.b, name.value]) : ''))

  function update(patch: Partial<CompareUrlState>): void {
    view.value = { ...view.value, ...patch }
  }

  return {
    view,
    listing,
    data,
    reportA,
    reportB,
    entries,
    names,
    name,
    groups,
    group,
    runs,
    leftOut,
    split,
    commonSteps,
    sides,
    update,
    start() {
      const stops = [
        effect(() => {
          void shell.refreshTick.value
          return loadListing()
        }),
        effect(() => {
          const k = key.value
          void shell.refreshTick.value
          if (!k) {
            data.value = null
            return
          }
          const [list, n, step] = JSON.parse(k) as [string[], string, number | null]
          if (list.length > 0) return load(list, n, step)
        }),
        effect(() => {
          const k = keyA.value
          void shell.refreshTick.value
          if (k) return loadA(...(JSON.parse(k) as [Side, string]))
        }),
        effect(() => {
          const k = keyB.value
          void shell.refreshTick.value
          if (k) return loadB(...(JSON.parse(k) as [Side, string]))
        }),
      ]
      return () => stops.forEach((s) => s())
    },
    restore(d: Record<string, string>) {
      view.value = {
        name: d.cmp_name ?? null,
        task: d.cmp_task ?? null,
        step: parseInteger(d.cmp_step),
        avg: d.cmp_avg === 'macro' ? 'macro' : 'micro',
        a: parseSide(parseJson(d.cmp_a)),
        b: parseSide(parseJson(d.cmp_b)),
        norm: (['count', 'true', 'pred', 'all'] as const).find((n) => n === d.cmp_norm) ?? 'true',
        color: d.cmp_color ?? null,
        layout: d.cmp_layout === 'small' ? 'small' : 'overlay',
      }
    },
    urlData() {
      const v = view.value
      const out: Record<string, string> = {}
      if (v.name !== null) out.cmp_name = v.name
      if (v.task !== null) out.cmp_task = v.task
      if (v.step !== null) out.cmp_step = String(v.step)
      if (v.avg !== 'micro') out.cmp_avg = v.avg
      if (v.a) out.cmp_a = JSON.stringify(v.a)
      if (v.b) out.cmp_b = JSON.stringify(v.b)
      if (v.norm !== 'true') out.cmp_norm = v.norm
      if (v.color !== null) out.cmp_color = v.color
      if (v.layout !== 'overlay') out.cmp_layout = v.layout
      return out
    },
  }
}

export type CompareState = ReturnType<typeof createCompareState>
