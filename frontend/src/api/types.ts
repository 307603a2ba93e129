// Shapes of the plugin's JSON routes (docs/http_api.md). Only what the views read is typed.

export type ColumnType = 'integer' | 'number' | 'bool' | 'string'
export type Cell = string | number | boolean | null
export type TableSource = 'table' | 'rows'

export interface FileInfo {
  name: string
  size: number
}

export interface RunInfo {
  run: string
  name?: string
  experiment?: string | null
  status?: string
  params?: Record<string, unknown>
  tags?: Record<string, unknown>
  properties?: Record<string, unknown>
  display_name?: string | null
  parent?: string | null
  files?: FileInfo[]
  start_time?: number | null
  end_time?: number | null
}

export interface RunsResponse {
  runs: RunInfo[]
}

export interface TableEntry {
  run: string
  name: string
  source: TableSource
  steps: number[]
  max_step: number
  /** What the table was logged with as its description ("" when none). */
  description?: string
}

export interface ListEntry {
  run: string
  name: string
  calls: number
}

export interface TablesResponse {
  tables: TableEntry[]
  lists: ListEntry[]
}

export interface ColumnInfo {
  name: string
  type: ColumnType
}

export interface TablePage {
  name: string
  source: TableSource
  step: number | null
  steps: number[]
  columns: ColumnInfo[]
  total_rows: number
  filtered_rows: number
  offset: number
  limit?: number
  /** The runs stacked into this page, with the step used for each. */
  runs?: { run: string; step: number | null }[]
  rows: Cell[][]
}

export interface Histogram {
  edges: number[]
  counts: number[]
}

export interface ColumnSummary {
  name: string
  type: ColumnType
  count?: number
  missing?: number
  min?: number | string | boolean | null
  max?: number | string | boolean | null
  mean?: number | null
  histogram?: Histogram | null
  distinct?: number
  top?: { value: Cell; count: number }[]
  /** bool columns */
  true?: number
  false?: number
}

export interface SummaryResponse {
  total_rows?: number
  filtered_rows?: number
  step?: number | null
  columns: ColumnSummary[]
}

export interface ListCall {
  step: number
  values: (number | null)[]
}

export interface ListResponse {
  run: string
  name: string
  calls: ListCall[]
}
