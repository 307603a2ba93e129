// Small pieces shared by the dashboards: step slider, metric cards, entry list, a client-sorted
// table on top of the Tables grid, a chart card, and two kinds of select (a choice, a menu).
import type { ComponentChildren } from 'preact'
import { useCallback, useMemo, useState } from 'preact/hooks'
import type { Cell, ColumnInfo } from '../../api/types'
import { formatNumber } from '../../model/format'
import type { SortOrder } from '../../model/query'
import { DataTable } from '../../table/DataTable'
import { sortRows } from './sortRows'

export function StepSlider({ steps, step, onChange, label = 'Step' }: { steps: number[]; step: number | null; onChange(step: number): void; label?: string }) {
  const current = step === null ? steps.length - 1 : Math.max(0, steps.indexOf(step))
  const [dragging, setDragging] = useState<number | null>(null)
  if (steps.length === 0) return null
  const shown = steps[dragging ?? current]
  return (
    <div class="tbe-step">
      <label class="tbe-subtitle" for="tbe-step-range">
        {label}
      </label>
      <input
        id="tbe-step-range"
        class="tbe-range-input"
        type="range"
        min={0}
        max={steps.length - 1}
        step={1}
        value={dragging ?? current}
        disabled={steps.length < 2}
        aria-label={label}
        aria-valuetext={`step ${shown}`}
        onInput={(e) => setDragging(Number((e.target as HTMLInputElement).value))}
        onChange={(e) => {
          setDragging(null)
          onChange(steps[Number((e.target as HTMLInputElement).value)])
        }}
      />
      <span class="tbe-step-value" data-testid="step-value">{`${shown}`}</span>
      <span class="tbe-status">{`(${(dragging ?? current) + 1} of ${steps.length})`}</span>
    </div>
  )
}

export interface CardItem {
  label: string
  value: number | null | undefined
  hint?: string
  format?: (v: number) => string
}

export const format4 = (v: number) => (Math.abs(v) >= 1000 ? formatNumber(Number(v.toPrecision(6))) : v.toFixed(4))

export function MetricCards({ items, testId }: { items: CardItem[]; testId?: string }) {
  return (
    <div class="tbe-cards" data-testid={testId}>
      {items.map((item) => (
        <div key={item.label} class="tbe-card" title={item.hint ?? item.label} data-metric={item.label}>
          <div class="tbe-card-label">{item.label}</div>
          <div class="tbe-card-value">{item.value === null || item.value === undefined || !Number.isFinite(item.value) ? '—' : (item.format ?? format4)(item.value)}</div>
        </div>
      ))}
    </div>
  )
}

export interface EntryItem {
  key: string
  title: string
  subtitle: string
  badge?: string | null
}

export function EntryList({ title, items, current, onOpen, empty }: { title: string; items: EntryItem[]; current: string | null; onOpen(key: string): void; empty: string }) {
  return (
    <nav aria-label={title}>
      <h2 class="tbe-section-title">{title}</h2>
      {items.length === 0 ? (
        <div class="tbe-empty">{empty}</div>
      ) : (
        <ul class="tbe-catalog">
          {items.map((item) => (
            <li key={item.key}>
              <button type="button" class="tbe-item" aria-current={item.key === current ? 'true' : undefined} title={`${item.title} — ${item.subtitle}`} onClick={() => onOpen(item.key)}>
                <span class="tbe-name">
                  {item.title}
                  <span class="tbe-item-sub">{item.subtitle}</span>
                </span>
                {item.badge ? <span class="tbe-badge">{item.badge}</span> : null}
              </button>
            </li>
          ))}
        </ul>
      )}
    </nav>
  )
}

/** A small table sorted on the client, drawn with the Tables grid in compact mode. */
export function SortedTable({ columns, rows, label, initialSort = null, initialOrder = 'asc' }: { columns: ColumnInfo[]; rows: Cell[][]; label: string; initialSort?: string | null; initialOrder?: SortOrder }) {
  const [sort, setSort] = useState<{ sort: string | null; order: SortOrder }>({ sort: initialSort, order: initialOrder })
  const onSort = useCallback((s: string | null, order: SortOrder) => setSort({ sort: s, order }), [])
  const sorted = useMemo(() => {
    const index = sort.sort === null ? -1 : columns.findIndex((c) => c.name === sort.sort)
    return index < 0 ? rows : sortRows(rows, index, sort.order)
  }, [rows, columns, sort])
  return (
    <DataTable
      columns={columns}
      rows={sorted}
      offset={0}
      rowCount={rows.length}
      pageIndex={0}
      pageSize={Math.max(1, rows.length)}
      sort={sort.sort}
      order={sort.order}
      summaries={{}}
      filters={{}}
      onSort={onSort}
      onFilter={() => {}}
      compact
      label={label}
    />
  )
}

export function Card({ title, children, wide, testId, subtitle }: { title: string; children: ComponentChildren; wide?: boolean; testId?: string; subtitle?: ComponentChildren }) {
  return (
    <section class={`tbe-chart-card${wide ? ' tbe-wide' : ''}`} aria-label={title} data-testid={testId}>
      <h3>
        {title}
        {subtitle ? <span class="tbe-card-sub">{subtitle}</span> : null}
      </h3>
      {children}
    </section>
  )
}

export interface Choice {
  value: string
  label: string
}

/** A select showing the current choice. */
export function Select({ label, value, choices, onChange, small = false }: { label: string; value: string; choices: Choice[]; onChange(value: string): void; small?: boolean }) {
  return (
    <select class={small ? 'tbe-select tbe-small-select' : 'tbe-select'} aria-label={label} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
      {choices.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  )
}

/** A menu drawn as a small select: it shows `prompt`; picking an item calls onPick and shows the prompt again. */
export function PickMenu({ label, prompt, items, onPick }: { label: string; prompt: string; items: Choice[]; onPick(value: string): void }) {
  return (
    <select
      class="tbe-select tbe-small-select"
      aria-label={label}
      value=""
      onChange={(e) => {
        const value = (e.target as HTMLSelectElement).value
        ;(e.target as HTMLSelectElement).value = ''
        if (value) onPick(value)
      }}
    >
      <option value="">{prompt}</option>
      {items.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  )
}
