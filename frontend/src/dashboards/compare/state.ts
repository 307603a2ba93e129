// State of the Compare runs dashboard: one evaluation name across the chosen runs. The table of
// every run (params and headline metrics) comes from evaluation/compare/table, the curves of the
// runs drawn (at most MAX_DRAWN) from evaluation/compare/curves; a confusion-matrix difference
// between two (run, step) pairs is computed on the client from two evaluation reports. An offline
// report (which holds evaluation/compare answers only) falls back to evaluation/compare. No view
// code.
import { computed, effect, signal } from '@preact/signals'
import { type Api, ApiError, MAX_CURVE_RUNS } from '../../api/client'
import type { CompareCurvesResponse, CompareResponse, CompareRun, CompareTableResponse, ConfusionMatrix, EvaluationReport, EvaluationsResponse } from '../../api/evalTypes'
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

/** Curves drawn at once at most; the other runs stay in the table, selectable. */
export const MAX_DRAWN = Math.min(10, MAX_CURVE_RUNS)

/** A compared run with its sweep value (the runs table's ★ column). */
export type TableRun = CompareRun & { sweep_value?: number | null }

/** The table response as compare runs (metrics by name, no curves). */
export function tableRuns(t: CompareTableResponse): TableRun[] {
  return t.runs.map((r) => {
    const metrics: Record<string, number> = {}
    t.metrics.forEach((m, i) => {
      const v = r.metrics[i]
      if (typeof v === 'number') metrics[m] = v
    })
    return { run: r.run, step: r.step, task: r.task, n_samples: r.n_samples ?? undefined, params: r.params, tags: r.tags, status: r.status, metrics, curves: {}, sweep_value: r.sweep_value }
  })
}

/** The runs drawn by default: the first `n`, best sweep value first when there is a sweep. */
export function defaultDrawn(runs: TableRun[], sweep: CompareTableResponse['sweep'], n: number = MAX_DRAWN): string[] {
  if (!sweep) return runs.slice(0, n).map((r) => r.run)
  const sign = sweep.mode === 'max' ? -1 : 1
  const value = (r: TableRun) => (typeof r.sweep_value === 'number' ? r.sweep_value : null)
  const ordered = runs
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const x = value(a.r)
      const y = value(b.r)
      if (x === null || y === null) return x === y ? a.i - b.i : x === null ? 1 : -1
      return sign * (x - y) || a.i - b.i
    })
  return ordered.slice(0, n).map((e) => e.r.run)
}

/** A 404 from evaluation/compare/table: an offline report (which holds evaluation/compare answers
 * only) or a server without the route; then evaluation/compare of the chosen runs is asked (a
 * real "no run has it" 404 comes back from there too). */
function offline(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404
}

export function createCompareState(api: Api, shell: Shell) {
  const view = signal<CompareUrlState>({ name: null, task: null, step: null, avg: 'micro', a: null, b: null, norm: 'true', color: null, layout: 'overlay' })
  const listing = signal<EvaluationsResponse | null>(null)
  /** Every run's row (evaluation/compare/table), or null while loading. */
  const table = signal<CompareTableResponse | null>(null)
  /** An offline report's evaluation/compare answer for the chosen runs (no table route there). */
  const legacy = signal<CompareResponse | null>(null)
  /** The runs the user chose to draw (null: the default, see defaultDrawn). */
  const picked = signal<string[] | null>(null)
  const curves = signal<CompareCurvesResponse | null>(null)
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
  /** Every compared run of the table (the chosen runs with the name), split into the shown task
   * and the runs whose compared step has another. */
  const rows = computed(() => {
    const chosen = new Set(runs.value.map((e) => e.run))
    const all: TableRun[] = legacy.value ? legacy.value.runs : table.value ? tableRuns(table.value) : []
    return splitByTask(all.filter((r) => chosen.has(r.run)), group.value?.task ?? null)
  })
  /** The runs whose curves are drawn: the user's pick (those still shown), else the default. */
  const drawn = computed(() => {
    const shownRuns = rows.value.shown
    const names = new Set(shownRuns.map((r) => r.run))
    const pick = picked.value?.filter((r) => names.has(r))
    return pick ?? defaultDrawn(shownRuns, table.value?.sweep ?? null)
  })
  /** The drawn runs with their curves, as an evaluation/compare response (what the overlays use). */
  const data = computed<CompareResponse | null>(() => {
    const n = name.value
    if (!n) return null
    const wanted = drawn.value
    if (legacy.value) return { ...legacy.value, runs: legacy.value.runs.filter((r) => wanted.includes(r.run)) }
    const c = curves.value
    if (!c || !table.value) return null
    const byRun = new Map(rows.value.shown.map((r) => [r.run, r]))
    const runsWithCurves: CompareRun[] = c.runs.filter((e) => wanted.includes(e.run)).map((e) => ({ ...(byRun.get(e.run) ?? { params: {}, tags: {}, status: 'unknown', metrics: {} }), ...e }) as CompareRun)
    return { name: c.name, runs: runsWithCurves, errors: [...(table.value.errors ?? []), ...(c.errors ?? [])] }
  })
  /** The drawn runs split like rows (the overlays show the shown task only). */
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
  const loadTable = loader(async (signal, n: string, step: number | null) => {
    try {
      const t = await api.compareTable(n, step, signal)
      if (!signal.aborted) {
        legacy.value = null
        table.value = t
      }
    } catch (error) {
      const chosen = runs.peek().map((e) => e.run)
      if (!offline(error) || chosen.length === 0) throw error
      const d = await api.compare(chosen, n, step, signal)
      if (!signal.aborted) legacy.value = d
    }
  })
  const loadCurves = loader(async (signal, list: string[], n: string, step: number | null) => {
    const c = await api.compareCurves(list, n, step, signal)
    if (!signal.aborted) curves.value = c
  })
  const loadSide = (target: typeof reportA) =>
    loader(async (signal, side: Side, n: string) => {
      const r = await api.evaluation(side.run, n, side.step, signal)
      if (!signal.aborted) target.value = r
    })
  const loadA = loadSide(reportA)
  const loadB = loadSide(reportB)

  /** The table's request; offline (evaluation/compare of the chosen runs) also the chosen runs. */
  const key = computed(() => (name.value ? JSON.stringify([name.value, view.value.step, legacy.value !== null ? runs.value.map((e) => e.run) : null]) : ''))
  const curvesKey = computed(() => (name.value && table.value && !legacy.value && drawn.value.length > 0 ? JSON.stringify([drawn.value, name.value, view.value.step]) : ''))
  const keyA = computed(() => (name.value && sides.value ? JSON.stringify([sides.value.a, name.value]) : ''))
  const keyB = computed(() => (name.value && sides.value ? JSON.stringify([sides.value.b, name.value]) : ''))

  function update(patch: Partial<CompareUrlState>): void {
    view.value = { ...view.value, ...patch }
  }

  /** Draw `run` or stop drawing it (at most MAX_DRAWN at once: a further one is refused). */
  function toggleDrawn(run: string): void {
    const now = drawn.value
    if (now.includes(run)) picked.value = now.filter((r) => r !== run)
    else if (now.length < MAX_DRAWN) picked.value = [...now, run]
  }

  return {
    view,
    listing,
    table,
    legacy,
    picked,
    curves,
    rows,
    drawn,
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
    toggleDrawn,
    /** evaluation/compare of the drawn runs (the JSON download); errors go to the banner. */
    async exportDrawn(): Promise<CompareResponse | null> {
      const n = name.value
      if (!n) return null
      if (legacy.value) return data.value
      try {
        return await api.compare(drawn.value, n, view.value.step)
      } catch (e) {
        shell.reportError('Could not download the comparison', e)
        return null
      }
    },
    /** Draw exactly these runs (the first MAX_DRAWN of them); null: the default. */
    setDrawn(list: string[] | null) {
      picked.value = list === null ? null : list.slice(0, MAX_DRAWN)
    },
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
            table.value = null
            legacy.value = null
            return
          }
          const [n, step] = JSON.parse(k) as [string, number | null]
          return loadTable(n, step)
        }),
        effect(() => {
          const k = curvesKey.value
          void shell.refreshTick.value
          if (!k) return
          const [list, n, step] = JSON.parse(k) as [string[], string, number | null]
          return loadCurves(list, n, step)
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
