// Typed client for the plugin routes. URLs are relative: the iframe's <base href> points them at
// /data/plugin/tb_eval/, which keeps them working under --path_prefix and /experiment/<id>/.
import { chartRowsUrl, listUrl, pageUrl, summaryUrl, type TableQuery } from '../model/query'
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
}

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
  }
}
