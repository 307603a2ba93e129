// Responses recorded from the real plugin (tests/e2e/logdata.py) plus a hand-written stacked page.
import type { ListResponse, RunsResponse, SummaryResponse, TablePage, TablesResponse } from '../src/api/types'
import list from './fixtures/list.json'
import rowsPage from './fixtures/rows_page.json'
import runs from './fixtures/runs.json'
import stackedPage from './fixtures/stacked_page.json'
import tablePage from './fixtures/table_page.json'
import tableSummary from './fixtures/table_summary.json'
import tables from './fixtures/tables.json'

export const fixtures = {
  runs: runs as RunsResponse,
  tables: tables as TablesResponse,
  tablePage: tablePage as TablePage,
  summary: tableSummary as SummaryResponse,
  rowsPage: rowsPage as TablePage,
  stackedPage: stackedPage as TablePage,
  list: list as ListResponse,
}

export const XSS = '<img src=x onerror=window.__xss=1>'

/** A fetch that answers from ``routes`` (by path before "?") and records every URL asked for. */
export function fakeFetch(routes: Record<string, unknown | ((url: string) => unknown)>) {
  const calls: string[] = []
  const fetchImpl = async (url: string) => {
    calls.push(url)
    const path = url.split('?')[0]
    if (!(path in routes)) return new Response(JSON.stringify({ error: `no route ${path}` }), { status: 404 })
    const body = routes[path]
    const value = typeof body === 'function' ? (body as (url: string) => unknown)(url) : body
    return new Response(JSON.stringify(value), { status: 200, headers: { 'Content-Type': 'application/json' } })
  }
  return { fetchImpl, calls }
}
