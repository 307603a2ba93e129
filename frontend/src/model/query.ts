// Table query state and the plugin URLs it maps to. Pure: no DOM, no fetch.
import type { TableSource } from '../api/types'

export type SortOrder = 'asc' | 'desc'

/** A numeric range (either end may be open) or a substring filter on one column. */
export interface ColumnFilter {
  min?: number | null
  max?: number | null
  q?: string
}

/** What is asked of one table's rows: step, sort, search, filters and page (the Tables
 * dashboard's URL state holds the same). */
export interface TableView {
  /** null: the newest step. */
  step: number | null
  sort: string | null
  order: SortOrder
  /** Substring searched in every column. */
  q: string
  filters: Record<string, ColumnFilter>
  /** 0-based page index. */
  page: number
  pageSize: number
}

export interface TableQuery extends TableView {
  runs: string[]
  name: string
  source: TableSource
}

export const PAGE_SIZES = [25, 50, 100, 250, 500] as const
export const DEFAULT_PAGE_SIZE = 50

export function emptyQuery(): TableQuery {
  return {
    runs: [],
    name: '',
    source: 'table',
    step: null,
    sort: null,
    order: 'asc',
    q: '',
    filters: {},
    page: 0,
    pageSize: DEFAULT_PAGE_SIZE,
  }
}

/** The filters that constrain something; empty strings and open ranges are dropped. */
export function activeFilters(filters: Record<string, ColumnFilter>): Record<string, ColumnFilter> {
  const out: Record<string, ColumnFilter> = {}
  for (const [column, filter] of Object.entries(filters)) {
    const clean: ColumnFilter = {}
    if (typeof filter.min === 'number' && Number.isFinite(filter.min)) clean.min = filter.min
    if (typeof filter.max === 'number' && Number.isFinite(filter.max)) clean.max = filter.max
    if (typeof filter.q === 'string' && filter.q.trim() !== '') clean.q = filter.q
    if (Object.keys(clean).length > 0) out[column] = clean
  }
  return out
}

/** The selection shared by /table, /table/summary and /table/csv (no paging). */
export function selectionParams(query: TableQuery, withSort = true): URLSearchParams {
  const params = new URLSearchParams()
  for (const run of query.runs) params.append('run', run)
  params.set('name', query.name)
  params.set('source', query.source)
  if (query.step !== null) params.set('step', String(query.step))
  if (withSort && query.sort) {
    params.set('sort', query.sort)
    params.set('order', query.order)
  }
  if (query.q.trim() !== '') params.set('q', query.q)
  const filters = activeFilters(query.filters)
  if (Object.keys(filters).length > 0) params.set('filter', JSON.stringify(filters))
  return params
}

export function pageUrl(query: TableQuery): string {
  const params = selectionParams(query)
  params.set('offset', String(query.page * query.pageSize))
  params.set('limit', String(query.pageSize))
  return `table?${params}`
}

export function summaryUrl(query: TableQuery): string {
  return `table/summary?${selectionParams(query, false)}`
}

export function csvUrl(query: TableQuery): string {
  return `table/csv?${selectionParams(query)}`
}

/** Rows for the line chart: the filtered selection ordered by the x column. */
export function chartRowsUrl(query: TableQuery, xColumn: string, limit: number): string {
  const params = selectionParams({ ...query, sort: xColumn, order: 'asc' })
  params.set('offset', '0')
  params.set('limit', String(limit))
  return `table?${params}`
}

export function listUrl(run: string, name: string): string {
  return `list?${new URLSearchParams({ run, name })}`
}

export function fileUrl(run: string, name: string): string {
  return `file?${new URLSearchParams({ run, name })}`
}

/** A file name for the CSV download: the table's name without path separators. */
export function csvFileName(query: TableQuery): string {
  const base = query.name.replace(/[\\/:*?"<>|\s]+/g, '_').replace(/^_+|_+$/g, '') || 'table'
  const step = query.step === null ? '' : `-step${query.step}`
  return `${base}${step}.csv`
}

export function pageCount(rows: number, pageSize: number): number {
  return Math.max(1, Math.ceil(rows / pageSize))
}
