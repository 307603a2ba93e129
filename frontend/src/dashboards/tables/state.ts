// State of the Tables dashboard: what is open, the query sent to the server, and what came back.
// No view code: the view reads these signals and calls the actions.
import { batch, computed, signal } from '@preact/signals'
import type { Api } from '../../api/client'
import type { ColumnSummary, TablePage, TablesResponse } from '../../api/types'
import type { Shell } from '../../app/store'
import { buildCatalog, type CatalogItem, itemKey, type TableItem } from '../../model/catalog'
import { type ColumnFilter, type SortOrder, pageUrl, selectionParams, type TableQuery } from '../../model/query'
import { chartColumns, type LinePlot, listSeries, tableSeries } from '../../model/series'
import { reload, startLifecycle } from '../shared/lifecycle'
import { makeLoader } from '../shared/loader'
import { viewState } from '../shared/view'
import { defaultTablesState, type OpenItem, type TablesUrlState, tablesFromUrl, tablesToUrl } from './url'

/** Rows fetched for the line chart (the server's largest page); longer tables are drawn from
 * their first rows by x. */
export const CHART_ROW_LIMIT = 1000

export function createTablesState(api: Api, shell: Shell) {
  const { view, update } = viewState<TablesUrlState>(defaultTablesState())
  const tables = signal<TablesResponse | null>(null)
  const page = signal<TablePage | null>(null)
  const summaries = signal<Record<string, ColumnSummary>>({})
  const plot = signal<LinePlot | null>(null)
  const loadingPage = signal(false)
  const chartTruncated = signal(false)

  const catalog = computed<CatalogItem[]>(() =>
    tables.value ? buildCatalog(tables.value, shell.selectedRuns.value) : [],
  )
  const openItem = computed<CatalogItem | null>(() => {
    const wanted = view.value.item
    if (!wanted) return null
    const key = itemKey(wanted as { kind: string; name: string; source?: 'table' | 'rows' })
    return catalog.value.find((item) => itemKey(item) === key) ?? null
  })
  const multiRun = computed(() => (openItem.value?.runs.length ?? 0) > 1)

  const query = computed<TableQuery | null>(() => {
    const item = openItem.value
    if (!item || item.kind !== 'table') return null
    const v = view.value
    return {
      runs: item.runs,
      name: item.name,
      source: item.source,
      step: item.source === 'table' ? v.step : null,
      sort: v.sort,
      order: v.order,
      q: v.q,
      filters: v.filters,
      page: v.page,
      pageSize: v.pageSize,
    }
  })
  /** Changes when the rows in the selection change (not on sort or page). */
  const selectionKey = computed(() => (query.value ? selectionParams(query.value, false).toString() : ''))
  /** Changes when anything sent for the page changes; strings compare by value, objects do not. */
  const pageKey = computed(() => (query.value ? pageUrl(query.value) : ''))
  const chartX = computed(() => (page.value ? (chartColumns(page.value.columns, multiRun.value)?.x ?? null) : null))
  const listKey = computed(() => {
    const item = openItem.value
    return item && item.kind === 'list' ? JSON.stringify([item.name, item.runs]) : ''
  })

  // ---------------------------------------------------------------- actions
  function open(item: CatalogItem): void {
    const next: OpenItem = item.kind === 'list' ? { kind: 'list', name: item.name } : { kind: 'table', name: item.name, source: item.source }
    batch(() => {
      view.value = { ...defaultTablesState(), pageSize: view.value.pageSize, item: next }
      page.value = null
      summaries.value = {}
      plot.value = null
    })
  }
  /** The grid reports the sort it wants (TanStack computes the asc → desc → none cycle). */
  function toggleSortTo(sort: string | null, order: SortOrder): void {
    update({ sort, order, page: 0 })
  }
  function setFilter(column: string, filter: ColumnFilter | null): void {
    const filters = { ...view.value.filters }
    if (filter && Object.keys(filter).length > 0) filters[column] = filter
    else delete filters[column]
    update({ filters, page: 0 })
  }
  function clearFilters(): void {
    update({ filters: {}, q: '', page: 0 })
  }
  function setSearch(q: string): void {
    if (q !== view.value.q) update({ q, page: 0 })
  }
  function setPage(index: number): void {
    update({ page: Math.max(0, index) })
  }
  function setPageSize(size: number): void {
    update({ pageSize: size, page: 0 })
  }
  function setStep(step: number | null): void {
    update({ step, page: 0 })
  }

  // ---------------------------------------------------------------- loading
  const loader = makeLoader(shell, 'Could not load the table data')

  const loadTables = loader(async (signal) => {
    tables.value = await api.tables(signal)
  })

  const loadPage = loader(async (signal, q: TableQuery) => {
    loadingPage.value = true
    try {
      const result = await api.tablePage(q, signal)
      if (signal.aborted) return
      page.value = result
      // Past the end after rows were filtered away or a refresh: go to the last page.
      const last = Math.max(0, Math.ceil(result.filtered_rows / q.pageSize) - 1)
      if (q.page > last) setPage(last)
    } finally {
      if (!signal.aborted) loadingPage.value = false
    }
  })

  const loadSummary = loader(async (signal, q: TableQuery) => {
    const result = await api.summary(q, signal)
    if (signal.aborted) return
    summaries.value = Object.fromEntries((result.columns ?? []).map((c) => [c.name, c]))
  })

  const loadChart = loader(async (signal, q: TableQuery, x: string) => {
    const rows = await api.chartRows(q, x, CHART_ROW_LIMIT, signal)
    if (signal.aborted) return
    plot.value = tableSeries(rows, q.runs.length > 1)
    chartTruncated.value = rows.filtered_rows > rows.rows.length
  })

  const loadList = loader(async (signal, item: CatalogItem) => {
    const responses = await Promise.all(item.runs.map((run) => api.list(run, item.name, signal)))
    if (signal.aborted) return
    plot.value = listSeries(responses)
  })

  function start(): () => void {
    return startLifecycle(shell, {
      loadListing: loadTables,
      entries: catalog,
      // Open the first item when nothing is open yet.
      isOpen: () => view.value.item !== null,
      open,
      reloads: [
        reload(pageKey, () => {
          const q = query.peek()
          if (q) return loadPage(q)
        }),
        reload(selectionKey, () => {
          const q = query.peek()
          if (q) return loadSummary(q)
        }),
        reload(
          () => {
            void selectionKey.value
            return chartX.value
          },
          (x) => {
            const q = query.peek()
            if (q && x) return loadChart(q, x)
            if (q && !x && page.peek()) plot.value = null
          },
        ),
        reload(listKey, () => {
          const item = openItem.peek()
          if (item && item.kind === 'list') return loadList(item)
        }),
      ],
    })
  }

  return {
    view,
    tables,
    catalog,
    openItem,
    multiRun,
    query,
    page,
    summaries,
    plot,
    chartTruncated,
    loadingPage,
    open,
    toggleSortTo,
    setFilter,
    clearFilters,
    setSearch,
    setPage,
    setPageSize,
    setStep,
    start,
    restore(data: Record<string, string>) {
      view.value = tablesFromUrl(data)
    },
    urlData: () => tablesToUrl(view.value),
  }
}

export type TablesState = ReturnType<typeof createTablesState>
export type { TableItem }
