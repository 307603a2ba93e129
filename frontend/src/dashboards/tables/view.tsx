// Views of the Tables dashboard. They read signals and call actions; no maths here.
import { useCallback, useMemo } from 'preact/hooks'
import type { Shell } from '../../app/store'
import { LineChart } from '../../charts/LineChart'
import { describeRange, formatCount } from '../../model/format'
import { csvFileName, csvUrl, PAGE_SIZES, pageCount, type SortOrder } from '../../model/query'
import { DataTable, useDebounced } from '../../table/DataTable'
import { itemKey } from '../../model/catalog'
import { runColor } from '../../model/palette'
import { Select } from '../shared/widgets'
import type { TablesState } from './state'

export function TablesSidebar({ state }: { state: TablesState }) {
  const items = state.catalog.value
  const open = state.openItem.value
  return (
    <nav aria-label="Tables and series">
      <h2 class="tbe-section-title">Tables &amp; series</h2>
      {state.tables.value === null ? (
        <div class="tbe-empty">Loading…</div>
      ) : items.length === 0 ? (
        <div class="tbe-empty">No tables or lists in the chosen runs.</div>
      ) : (
        <ul class="tbe-catalog">
          {items.map((item) => {
            const badge = item.kind === 'list' ? 'list' : item.source === 'rows' ? 'rows' : 'table'
            const current = open !== null && itemKey(open) === itemKey(item)
            return (
              <li key={itemKey(item)}>
                <button
                  type="button"
                  class="tbe-item"
                  aria-current={current ? 'true' : undefined}
                  title={`${item.name} — ${item.runs.join(', ')}`}
                  onClick={() => state.open(item)}
                >
                  <span class="tbe-name">{item.name}</span>
                  <span class="tbe-badge">{badge}</span>
                  {item.runs.length > 1 ? <span class="tbe-count">{`×${item.runs.length}`}</span> : null}
                </button>
              </li>
            )
          })}
        </ul>
      )}
    </nav>
  )
}

function Toolbar({ state }: { state: TablesState }) {
  const query = state.query.value!
  const item = state.openItem.value
  const page = state.page.value
  const search = useDebounced(state.view.value.q, state.setSearch)
  const steps = item && item.kind === 'table' && item.source === 'table' ? item.steps : []
  const filtered = Object.keys(state.view.value.filters).length > 0 || state.view.value.q !== ''
  return (
    <div class="tbe-toolbar">
      <input
        class="tbe-input tbe-search"
        type="search"
        placeholder="Search all columns"
        aria-label="Search all columns"
        value={search.text}
        onInput={(e) => search.setText((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => e.key === 'Enter' && search.flush()}
      />
      <button type="button" class="tbe-button" disabled={!filtered} onClick={state.clearFilters}>
        Clear filters
      </button>
      {steps.length > 1 ? (
        <label class="tbe-subtitle">
          {'Step '}
          <Select
            label="Step"
            value={query.step === null ? '' : String(query.step)}
            choices={[{ value: '', label: `latest (${steps[steps.length - 1]})` }, ...[...steps].reverse().map((s) => ({ value: String(s), label: String(s) }))]}
            onChange={(v) => state.setStep(v === '' ? null : Number(v))}
          />
        </label>
      ) : null}
      <span class="tbe-spacer" />
      {item && item.kind === 'table' && item.source === 'rows' ? (
        <span class="tbe-live" title="log_row tables grow as rows arrive; the view refreshes itself">
          ● live
        </span>
      ) : null}
      <a class="tbe-button tbe-primary" href={csvUrl(query)} download={csvFileName(query)} title="The whole selection (all pages, filters and sort applied) as CSV">
        Download CSV
      </a>
      {page ? <span class="tbe-status">{`${formatCount(page.filtered_rows)} rows`}</span> : null}
    </div>
  )
}

function Pager({ state }: { state: TablesState }) {
  const page = state.page.value!
  const view = state.view.value
  const pages = pageCount(page.filtered_rows, view.pageSize)
  const index = Math.min(view.page, pages - 1)
  return (
    <div class="tbe-pager" role="navigation" aria-label="Pages">
      <span class="tbe-info" aria-live="polite">
        {describeRange(page.offset, page.rows.length, page.filtered_rows, page.total_rows)}
      </span>
      <label class="tbe-subtitle">
        {'Rows per page '}
        <select class="tbe-select" aria-label="Rows per page" value={String(view.pageSize)} onChange={(e) => state.setPageSize(Number((e.target as HTMLSelectElement).value))}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={String(size)}>
              {String(size)}
            </option>
          ))}
        </select>
      </label>
      <button type="button" class="tbe-button tbe-small" aria-label="First page" disabled={index === 0} onClick={() => state.setPage(0)}>
        «
      </button>
      <button type="button" class="tbe-button tbe-small" aria-label="Previous page" disabled={index === 0} onClick={() => state.setPage(index - 1)}>
        ‹ Prev
      </button>
      <span class="tbe-subtitle">{`Page ${index + 1} of ${pages}`}</span>
      <button type="button" class="tbe-button tbe-small" aria-label="Next page" disabled={index >= pages - 1} onClick={() => state.setPage(index + 1)}>
        Next ›
      </button>
      <button type="button" class="tbe-button tbe-small" aria-label="Last page" disabled={index >= pages - 1} onClick={() => state.setPage(pages - 1)}>
        »
      </button>
    </div>
  )
}

function ChartCard({ state, shell, title }: { state: TablesState; shell: Shell; title: string }) {
  const plot = state.plot.value
  const runNames = shell.runNames.value
  const colorOf = useMemo(() => (run: string) => runColor(run, runNames), [runNames])
  if (!plot || plot.series.length === 0) return null
  return (
    <section class="tbe-chart-card" aria-label="Line chart">
      <h3>{title}</h3>
      <LineChart plot={plot} dark={shell.dark.value} label={title} colorOf={colorOf} />
      {state.chartTruncated.value ? <div class="tbe-note">Only the first rows by x are drawn; filter to see the rest.</div> : null}
    </section>
  )
}

export function TablesView({ state, shell }: { state: TablesState; shell: Shell }) {
  const item = state.openItem.value
  const view = state.view.value
  const page = state.page.value
  const onSort = useCallback((sort: string | null, order: SortOrder) => state.toggleSortTo(sort, order), [state])
  if (shell.selectedRuns.value.length === 0) return <div class="tbe-empty">Choose one or more runs.</div>
  if (!item) {
    if (view.item && state.tables.value !== null)
      return <div class="tbe-empty">{`"${view.item.name}" was not logged by the chosen runs.`}</div>
    return <div class="tbe-empty">{state.tables.value === null ? 'Loading…' : 'Pick a table or series on the left.'}</div>
  }
  const runs = item.runs.join(', ')
  if (item.kind === 'list') {
    return (
      <div>
        <div class="tbe-title-row">
          <h2 class="tbe-title">{item.name}</h2>
          <span class="tbe-subtitle">{`list series · ${runs}`}</span>
        </div>
        {state.plot.value ? <ChartCard state={state} shell={shell} title={item.name} /> : <div class="tbe-empty">Loading…</div>}
      </div>
    )
  }
  return (
    <div>
      <div class="tbe-title-row">
        <h2 class="tbe-title">{item.name}</h2>
        <span class="tbe-subtitle">
          {`${item.source === 'rows' ? 'rows (log_row)' : 'table'} · ${runs}`}
          {page && page.step !== null && item.source === 'table' ? ` · step ${page.step}` : ''}
        </span>
      </div>
      {item.description ? (
        <p class="tbe-note" data-testid="table-description">
          {item.description}
        </p>
      ) : null}
      <Toolbar state={state} />
      {page ? (
        <>
          <DataTable
            columns={page.columns}
            rows={page.rows}
            offset={page.offset}
            rowCount={page.filtered_rows}
            pageIndex={view.page}
            pageSize={view.pageSize}
            sort={view.sort}
            order={view.order}
            summaries={state.summaries.value}
            filters={view.filters}
            onSort={onSort}
            onFilter={state.setFilter}
          />
          <Pager state={state} />
        </>
      ) : (
        <div class="tbe-empty">Loading…</div>
      )}
      <ChartCard state={state} shell={shell} title={`${item.name}: ${state.plot.value?.yName ?? ''} vs ${state.plot.value?.xName ?? ''}`} />
    </div>
  )
}
