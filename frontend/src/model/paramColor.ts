// Colour the compared runs by a hyperparameter: numbers on a sequential scale (linear, or log
// when positive values span two decades or more), strings/bools (and mixed types) with the
// categorical palette, runs without the param grey. Pure TS (no DOM, no chart library).
import { PALETTE } from './palette'

export const MISSING_COLOR = '#9e9e9e'

/** Sequential scale: viridis between 0.1 and 0.85 (lightness rises monotonically; both ends
 * stay visible on the light and the dark chart backgrounds). */
export const SEQUENTIAL = ['#482475', '#3e4989', '#26828e', '#35b779', '#90d743']

export interface ParamRun {
  run: string
  params?: Record<string, unknown> | null
}

export type ColorLegend =
  | { kind: 'run' }
  | { kind: 'numeric'; param: string; min: number; max: number; log: boolean; stops: string[]; missing: string[] }
  | { kind: 'categorical'; param: string; entries: { value: string; color: string }[]; missing: string[] }

export interface RunColoring {
  /** Colour of each run, by name. */
  colors: Map<string, string>
  legend: ColorLegend
}

/** Every param present in the runs, in first-seen order. */
export function paramNames(runs: ParamRun[]): string[] {
  const out: string[] = []
  for (const r of runs) for (const [k, v] of Object.entries(r.params ?? {})) if (v !== null && v !== undefined && !out.includes(k)) out.push(k)
  return out
}

function hex(c: string): [number, number, number] {
  return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)]
}

/** The sequential colour at t in [0, 1] (clamped; NaN: the middle), interpolated in RGB. */
export function sequentialColor(t: number, stops: readonly string[] = SEQUENTIAL): string {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0.5
  const pos = x * (stops.length - 1)
  const i = Math.min(stops.length - 2, Math.floor(pos))
  const f = pos - i
  const [a, b] = [hex(stops[i]), hex(stops[i + 1])]
  return `#${a.map((v, k) => Math.round(v + (b[k] - v) * f).toString(16).padStart(2, '0')).join('')}`
}

function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v)
}

/** Run colours for the "Colour by" select: `param` null keeps each run's own colour. */
export function colorRuns(runs: ParamRun[], param: string | null, runColor: (run: string) => string): RunColoring {
  const colors = new Map<string, string>()
  if (param === null) {
    for (const r of runs) colors.set(r.run, runColor(r.run))
    return { colors, legend: { kind: 'run' } }
  }
  const value = (r: ParamRun) => r.params?.[param]
  const present = runs.filter((r) => value(r) !== null && value(r) !== undefined)
  const missing = runs.filter((r) => !present.includes(r)).map((r) => r.run)
  for (const run of missing) colors.set(run, MISSING_COLOR)
  const numeric = present.length > 0 && present.every((r) => typeof value(r) === 'number' && Number.isFinite(value(r)))
  if (numeric) {
    const values = present.map((r) => value(r) as number)
    const min = Math.min(...values)
    const max = Math.max(...values)
    const log = min > 0 && max / min >= 100
    const scale = (v: number) => (max === min ? 0.5 : log ? Math.log(v / min) / Math.log(max / min) : (v - min) / (max - min))
    for (const r of present) colors.set(r.run, sequentialColor(scale(value(r) as number)))
    return { colors, legend: { kind: 'numeric', param, min, max, log, stops: [...SEQUENTIAL], missing } }
  }
  const distinct = [...new Set(present.map((r) => valueText(value(r))))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
  const entries = distinct.map((v, i) => ({ value: v, color: PALETTE[i % PALETTE.length] }))
  for (const r of present) colors.set(r.run, entries.find((e) => e.value === valueText(value(r)))!.color)
  return { colors, legend: { kind: 'categorical', param, entries, missing } }
}
