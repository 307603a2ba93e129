// What can be opened in the Tables dashboard for the chosen runs: tables (log_table and log_row)
// and list series (log_list), each once by name with the runs that have it.
import type { TableSource, TablesResponse } from '../api/types'

export interface TableItem {
  kind: 'table'
  name: string
  source: TableSource
  runs: string[]
  steps: number[]
  /** The first non-empty description the runs logged the table with. */
  description: string
}

export interface ListItem {
  kind: 'list'
  name: string
  runs: string[]
}

export type CatalogItem = TableItem | ListItem

export function itemKey(item: { kind: string; name: string; source?: TableSource }): string {
  return item.kind === 'list' ? `list:${item.name}` : `${item.source}:${item.name}`
}

export function buildCatalog(response: TablesResponse, runs: string[]): CatalogItem[] {
  const chosen = new Set(runs)
  const byKey = new Map<string, CatalogItem>()
  for (const table of response.tables) {
    if (!chosen.has(table.run)) continue
    const key = itemKey({ kind: 'table', name: table.name, source: table.source })
    let item = byKey.get(key) as TableItem | undefined
    if (!item) {
      item = { kind: 'table', name: table.name, source: table.source, runs: [], steps: [], description: '' }
      byKey.set(key, item)
    }
    if (!item.description && table.description) item.description = table.description
    item.runs.push(table.run)
    item.steps = [...new Set([...item.steps, ...(table.steps ?? [])])].sort((a, b) => a - b)
  }
  for (const list of response.lists) {
    if (!chosen.has(list.run)) continue
    const key = itemKey({ kind: 'list', name: list.name })
    let item = byKey.get(key) as ListItem | undefined
    if (!item) {
      item = { kind: 'list', name: list.name, runs: [] }
      byKey.set(key, item)
    }
    item.runs.push(list.run)
  }
  const order = runs
  for (const item of byKey.values()) item.runs.sort((a, b) => order.indexOf(a) - order.indexOf(b))
  return [...byKey.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || itemKey(a).localeCompare(itemKey(b)),
  )
}

/** Runs that have any table or list, in the order the server listed them. */
export function runsWithData(response: TablesResponse): string[] {
  const seen = new Set<string>()
  for (const entry of [...response.tables, ...response.lists]) seen.add(entry.run)
  return [...seen]
}
