// The Api of a report page: the same client (createApi, the same URLs), answered from the data
// the page carries instead of the network. A URL the report does not hold fails with an
// ApiError that says so (shown in the error banner), never with a request.
import { ApiError, type Api, createApi, type FetchLike } from '../api/client'
import type { ReportDocument } from './data'

type Pairs = [string, string][]

/** The lookup key of a request: its path and query pairs, ordered by name (stable). */
export function requestKey(path: string, pairs: Pairs): string {
  const sorted = pairs.map((p, i) => [p, i] as const).sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]))
  return JSON.stringify([path, sorted.map(([p]) => p)])
}

function parse(url: string): { path: string; pairs: Pairs } {
  const at = url.indexOf('?')
  const path = (at < 0 ? url : url.slice(0, at)).replace(/^\.?\//, '')
  return { path, pairs: at < 0 ? [] : [...new URLSearchParams(url.slice(at + 1))] }
}

const get = (pairs: Pairs, name: string) => pairs.find(([k]) => k === name)?.[1] ?? null

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

/** Why a request is not in the report, in words. */
export function missing(doc: ReportDocument, path: string, pairs: Pairs): string {
  const run = get(pairs, 'run')
  const name = get(pairs, 'name')
  const step = get(pairs, 'step')
  const of = run !== null && name !== null ? ` of ${run}: ${name}` : name !== null ? ` of ${name}` : ''
  const held = doc.step === null ? 'the newest step of each evaluation' : `step ${doc.step}`
  let what: string
  if (path === 'evaluation/thresholds' && get(pairs, 'class') !== null)
    what = `the threshold table of class "${get(pairs, 'class')}"${of} (the report holds those of the first ${doc.maxClasses} classes)`
  else if (path.startsWith('table') || path === 'tables' || path === 'list') what = 'the Tables dashboard'
  else if (path === 'file') what = 'uploaded files'
  else if (step !== null) what = `step ${step}${of} (the report holds ${held})`
  else what = `${path}${of}`
  return `Not in this offline report: ${what}. Open the logdir in TensorBoard to see it.`
}

/** A FetchLike answering from the report. Compare requests for a subset of the runs the report
 * compared are answered with those runs' entries (the route treats each run on its own). */
export function reportFetch(doc: ReportDocument): FetchLike {
  const answers = new Map<string, [number, unknown]>()
  for (const [path, pairs, status, body] of doc.responses) answers.set(requestKey(path, pairs), [status, doc.bodies[body]])
  const compares = doc.responses.filter(([path, , status]) => path === 'evaluation/compare' && status === 200)

  function compareSubset(pairs: Pairs): Response | null {
    const runs = [...new Set(pairs.filter(([k]) => k === 'run').map(([, v]) => v))]
    const rest = JSON.stringify(pairs.filter(([k]) => k !== 'run').sort())
    for (const [, held, , body] of compares) {
      const heldRuns = new Set(held.filter(([k]) => k === 'run').map(([, v]) => v))
      if (JSON.stringify(held.filter(([k]) => k !== 'run').sort()) !== rest || !runs.every((r) => heldRuns.has(r))) continue
      // `runs` (entries) and `errors` (runs that could not be read) are lists of per-run items
      const full = doc.bodies[body] as { name: string; runs: { run: string }[]; errors?: { run: string }[] }
      const pick = <T extends { run: string }>(items: T[]) => runs.flatMap((r) => items.filter((e) => e.run === r))
      const entries = pick(full.runs)
      const failed = full.errors ? pick(full.errors) : undefined
      if (entries.length === 0 && !failed?.length) return json(404, { error: `no evaluation '${full.name}' in run(s) ${runs.join(', ')}` })
      return json(200, failed ? { ...full, runs: entries, errors: failed } : { ...full, runs: entries })
    }
    return null
  }

  return async (url, init) => {
    if (init?.signal?.aborted) throw new DOMException('The request was aborted.', 'AbortError')
    const { path, pairs } = parse(url)
    if (doc.step !== null && doc.stepRoutes.includes(path) && get(pairs, 'step') === null) pairs.push(['step', String(doc.step)])
    const found = answers.get(requestKey(path, pairs))
    if (found) return json(found[0], found[1])
    const subset = path === 'evaluation/compare' ? compareSubset(pairs) : null
    if (subset) return subset
    throw new ApiError(url, 404, missing(doc, path, pairs))
  }
}

export function createReportApi(doc: ReportDocument): Api {
  return createApi(reportFetch(doc))
}
