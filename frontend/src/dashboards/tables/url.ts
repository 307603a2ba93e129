// The Tables dashboard's URL keys: the open table or series, its step, sort, filters and page.
import type { TableSource } from '../../api/types'
import { type ColumnFilter, DEFAULT_PAGE_SIZE, PAGE_SIZES, type TableView } from '../../model/query'
import { parseInteger, parseJson } from '../../model/viewState'

export type OpenItem = { kind: 'table'; name: string; source: TableSource } | { kind: 'list'; name: string }

export interface TablesUrlState extends TableView {
  item: OpenItem | null
}

export function defaultTablesState(): TablesUrlState {
  return { item: null, step: null, sort: null, order: 'asc', q: '', filters: {}, page: 0, pageSize: DEFAULT_PAGE_SIZE }
}

export function tablesToUrl(state: TablesUrlState): Record<string, string> {
  const data: Record<string, string> = {}
  if (state.item) {
    data.table = state.item.name
    data.source = state.item.kind === 'list' ? 'list' : state.item.source
  }
  if (state.step !== null) data.step = String(state.step)
  if (state.sort) {
    data.sort = state.sort
    data.order = state.order
  }
  if (state.q) data.q = state.q
  if (Object.keys(state.filters).length > 0) data.filter = JSON.stringify(state.filters)
  if (state.page > 0) data.page = String(state.page + 1) // 1-based for people reading the URL
  if (state.pageSize !== DEFAULT_PAGE_SIZE) data.size = String(state.pageSize)
  return data
}

function parseFilters(value: unknown): Record<string, ColumnFilter> {
  const out: Record<string, ColumnFilter> = {}
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out
  for (const [column, raw] of Object.entries(value as Record<string, unknown>)) {
    if (!raw || typeof raw !== 'object') continue
    const { min, max, q } = raw as Record<string, unknown>
    const filter: ColumnFilter = {}
    if (typeof min === 'number') filter.min = min
    if (typeof max === 'number') filter.max = max
    if (typeof q === 'string') filter.q = q
    if (Object.keys(filter).length > 0) out[column] = filter
  }
  return out
}

export function tablesFromUrl(data: Record<string, string>): TablesUrlState {
  const state = defaultTablesState()
  if (data.table) {
    state.item =
      data.source === 'list'
        ? { kind: 'list', name: data.table }
        : { kind: 'table', name: data.table, source: data.source === 'rows' ? 'rows' : 'table' }
  }
  state.step = parseInteger(data.step)
  if (data.sort) {
    state.sort = data.sort
    state.order = data.order === 'desc' ? 'desc' : 'asc'
  }
  if (data.q) state.q = data.q
  state.filters = parseFilters(parseJson(data.filter))
  const page = parseInteger(data.page)
  state.page = page !== null && page > 0 ? page - 1 : 0
  const size = parseInteger(data.size)
  if (size !== null && (PAGE_SIZES as readonly number[]).includes(size)) state.pageSize = size
  return state
}
