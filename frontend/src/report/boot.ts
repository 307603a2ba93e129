// Boot options of a report page: the report's Api, no polling, no TensorBoard host, only the
// dashboards that need no server, and a header that says what the page is.
import type { BootOptions } from '../app/boot'
import type { EvaluationsResponse } from '../api/evalTypes'
import { createReportApi } from './api'
import type { ReportDocument } from './data'

/** The dashboards of a report (Tables pages, sorts and filters on the server: left out). */
export const REPORT_DASHBOARDS = ['classification', 'regression', 'importance', 'compare', 'runs']

function listing(doc: ReportDocument): EvaluationsResponse | null {
  const entry = doc.responses.find(([path, pairs, status]) => path === 'evaluations' && pairs.length === 0 && status === 200)
  return entry ? (doc.bodies[entry[3]] as EvaluationsResponse) : null
}

/** The dashboard a report opens on: the first one with something to show. */
export function firstDashboard(doc: ReportDocument): string {
  const l = listing(doc)
  const tasks = new Set<string | null>((l?.evaluations ?? []).map((e) => e.task))
  if (['binary', 'multiclass', 'multilabel'].some((t) => tasks.has(t))) return 'classification'
  if (tasks.has('regression')) return 'regression'
  if ((l?.importances ?? []).length > 0) return 'importance'
  if ((l?.confusions ?? []).length > 0) return 'classification'
  if ((l?.regression_bins ?? []).length > 0) return 'regression'
  return 'runs'
}

export function reportSummary(doc: ReportDocument): string {
  const when = new Date(doc.generated)
  const generated = Number.isNaN(when.getTime()) ? doc.generated : when.toLocaleString()
  const step = doc.step === null ? 'newest steps' : `step ${doc.step}`
  return `Offline report · ${doc.logdir} · ${step} · written ${generated}`
}

export const REPORT_NOTE =
  'Computed when the report was written; no server, no network. Not in the report: the Tables dashboard, ' +
  'other steps, the threshold tables of further classes, file downloads.'

export function reportBootOptions(doc: ReportDocument): BootOptions {
  return {
    api: createReportApi(doc),
    pollMs: 0,
    ipc: false,
    dashboards: REPORT_DASHBOARDS,
    dashboard: firstDashboard(doc),
    offline: { summary: reportSummary(doc), note: REPORT_NOTE },
  }
}
