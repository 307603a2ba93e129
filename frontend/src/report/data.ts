// The data a report page carries (written by `python -m tb_eval report`, tb_eval/html_report.py):
// the plugin's answers for every URL the dashboards ask for, as <script type="application/json">.

/** id of the element holding the document (DATA_ELEMENT_ID in tb_eval/html_report.py). */
export const REPORT_DATA_ID = 'tbe-report-data'
export const REPORT_FORMAT_VERSION = 1

/** One answer: route path, query pairs as requested, HTTP status, index into `bodies`. */
export type ReportResponse = [path: string, params: [string, string][], status: number, body: number]

export interface ReportDocument {
  version: number
  title: string
  /** The logdir's folder name. */
  logdir: string
  /** ISO 8601 time the report was written. */
  generated: string
  /** The step shown (null: each evaluation's newest). */
  step: number | null
  /** Threshold tables are included for the first `maxClasses` classes of a multi-class report. */
  maxClasses: number
  /** Routes whose `step` defaults to `step` when a request leaves it out. */
  stepRoutes: string[]
  responses: ReportResponse[]
  bodies: unknown[]
}

function isDocument(value: unknown): value is ReportDocument {
  if (!value || typeof value !== 'object') return false
  const d = value as Partial<ReportDocument>
  return d.version === REPORT_FORMAT_VERSION && Array.isArray(d.responses) && Array.isArray(d.bodies) && Array.isArray(d.stepRoutes)
}

/** The report document of the page, or null on a normal plugin page (no such element). Throws
 * when the element exists but does not hold a report this bundle can read. */
export function readReportDocument(doc: Document | undefined = typeof document === 'undefined' ? undefined : document): ReportDocument | null {
  const element = doc?.getElementById(REPORT_DATA_ID)
  if (!element) return null
  const parsed: unknown = JSON.parse(element.textContent ?? '')
  if (!isDocument(parsed)) throw new Error(`this report's data has an unknown format (expected version ${REPORT_FORMAT_VERSION})`)
  return parsed
}
