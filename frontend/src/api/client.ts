// Typed client for the plugin routes. URLs are relative: the iframe's <base href> points them at
// /data/plugin/tb_eval/, which keeps them working under --path_prefix and /experiment/<id>/.
import { chartRowsUrl, listUrl, pageUrl, summaryUrl, type TableQuery } from '../model/query'
import type {
  CompareCurvesResponse,
  CompareResponse,
  CompareTableResponse,
  ConfusionResponse,
  EvaluationReport,
  EvaluationsResponse,
  FilesResponse,
  ImportanceResponse,
  RegressionBinsResponse,
  ThresholdTable,
  TrendResponse,
} from './evalTypes'
import type { ListResponse, RunsResponse, SummaryResponse, TablePage, TablesResponse } from './types'

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>

export class ApiError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError'
}

/** The server's error text, shortened. The plugin answers {"error": "..."}; TensorBoard's own
 * errors are plain text. */
export async function errorMessage(url: string, response: Response): Promise<string> {
  let detail = ''
  try {
    detail = (await response.text()).trim()
  } catch {
    // the body is optional
  }
  try {
    const parsed: unknown = JSON.parse(detail)
    if (parsed && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string')
      detail = (parsed as { error: string }).error
  } catch {
    // not JSON: keep the text
  }
  const route = url.split('?')[0]
  const text = detail.length > 300 ? `${detail.slice(0, 300)}…` : detail
  return `${route}: HTTP ${response.status}${text ? ` — ${text}` : ''}`
}

export interface Api {
  runs(signal?: AbortSignal): Promise<RunsResponse>
  tables(signal?: AbortSignal): Promise<TablesResponse>
  tablePage(query: TableQuery, signal?: AbortSignal): Promise<TablePage>
  chartRows(query: TableQuery, xColumn: string, limit: number, signal?: AbortSignal): Promise<TablePage>
  summary(query: TableQuery, signal?: AbortSignal): Promise<SummaryResponse>
  list(run: string, name: string, signal?: AbortSignal): Promise<ListResponse>
  evaluations(signal?: AbortSignal): Promise<EvaluationsResponse>
  evaluation(run: string, name: string, step: number | null, signal?: AbortSignal): Promise<EvaluationReport>
  thresholds(run: string, name: string, step: number | null, label: string | null, points: number, signal?: AbortSignal): Promise<ThresholdTable>
  trend(run: string, name: string, signal?: AbortSignal): Promise<TrendResponse>
  compare(runs: string[], name: string, step: number | null, signal?: AbortSignal): Promise<CompareResponse>
  /** Every run's params and headline metrics (no curves), for 1,000 runs and more. */
  compareTable(name: string, step: number | null, signal?: AbortSignal): Promise<CompareTableResponse>
  /** The curves of the runs drawn (at most MAX_CURVE_RUNS per request). */
  compareCurves(runs: string[], name: string, step: number | null, signal?: AbortSignal): Promise<CompareCurvesResponse>
  importance(run: string, name: string, step: number | null, signal?: AbortSignal): Promise<ImportanceResponse>
  confusion(run: string, name: string, step: number | null, signal?: AbortSignal): Promise<ConfusionResponse>
  regressionBins(run: string, name: string, step: number | null, signal?: AbortSignal): Promise<RegressionBinsResponse>
  files(run: string, signal?: AbortSignal): Promise<FilesResponse>
}

/** `path?key=value&...` with repeated keys for lists; null/undefined values are left out. */
export function routeUrl(path: string, params: Record<string, string | number | null | undefined | (string | number)[]>): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item))
  }
  const text = query.toString()
  return text ? `${path}?${text}` : path
}

/** The download link of one uploaded file. */
export function fileUrl(run: string, name: string): string {
  return routeUrl('file', { run, name })
}

/** Most runs one evaluation/compare/curves request may name (the server answers 400 above). */
export const MAX_CURVE_RUNS = 50

export function createApi(fetchImpl: FetchLike = (input, init) => fetch(input, init)): Api {
  async function json<T>(url: string, signal?: AbortSignal): Promise<T> {
    const response = await fetchImpl(url, { signal, headers: { Accept: 'application/json' } })
    if (!response.ok) throw new ApiError(url, response.status, await errorMessage(url, response))
    return (await response.json()) as T
  }
  return {
    runs: (signal) => json<RunsResponse>('runs', signal),
    tables: (signal) => json<TablesResponse>('tables', signal),
    tablePage: (query, signal) => json<TablePage>(pageUrl(query), signal),
    chartRows: (query, x, limit, signal) => json<TablePage>(chartRowsUrl(query, x, limit), signal),
    summary: (query, signal) => json<SummaryResponse>(summaryUrl(query), signal),
    list: (run, name, signal) => json<ListResponse>(listUrl(run, name), signal),
    evaluations: (signal) => json<EvaluationsResponse>('evaluations', signal),
    evaluation: (run, name, step, signal) => json<EvaluationReport>(routeUrl('evaluation', { run, name, step }), signal),
    thresholds: (run, name, step, label, points, signal) =>
      json<ThresholdTable>(routeUrl('evaluation/thresholds', { run, name, step, class: label, points }), signal),
    trend: (run, name, signal) => json<TrendResponse>(routeUrl('evaluation/trend', { run, name }), signal),
    compare: (runs, name, step, signal) => json<CompareResponse>(routeUrl('evaluation/compare', { run: runs, name, step }), signal),
    compareTable: (name, step, signal) => json<CompareTableResponse>(routeUrl('evaluation/compare/table', { name, step }), signal),
    compareCurves: (runs, name, step, signal) => json<CompareCurvesResponse>(routeUrl('evaluation/compare/curves', { run: runs, name, step }), signal),
    importance: (run, name, step, signal) => json<ImportanceResponse>(routeUrl('importance', { run, name, step }), signal),
    confusion: (run, name, step, signal) => json<ConfusionResponse>(routeUrl('confusion', { run, name, step }), signal),
    regressionBins: (run, name, step, signal) => json<RegressionBinsResponse>(routeUrl('regression_bins', { run, name, step }), signal),
    files: (run, signal) => json<FilesResponse>(routeUrl('files', { run }), signal),
  }
}
