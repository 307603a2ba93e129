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

// Evaluation routes, recorded from the real plugin (python -m tests.e2e.evaldata --record).
import type { CompareResponse, ConfusionResponse, EvaluationReport, EvaluationsResponse, FilesResponse, ImportanceResponse, ThresholdTable, TrendResponse } from '../src/api/evalTypes'
import evalBinary from './fixtures/eval_binary.json'
import evalCompare from './fixtures/eval_compare.json'
import evalConfusion from './fixtures/eval_confusion.json'
import evalFiles from './fixtures/eval_files.json'
import evalImportance from './fixtures/eval_importance.json'
import evalListing from './fixtures/eval_listing.json'
import evalMulticlass from './fixtures/eval_multiclass.json'
import evalMultilabel from './fixtures/eval_multilabel.json'
import evalRegression from './fixtures/eval_regression.json'
import evalRuns from './fixtures/eval_runs.json'
import evalThresholdsBinary from './fixtures/eval_thresholds_binary.json'
import evalSummary from './fixtures/eval_summary.json'
import evalThresholdsMc from './fixtures/eval_thresholds_mc.json'
import evalThresholdsSummary from './fixtures/eval_thresholds_summary.json'
import evalTrend from './fixtures/eval_trend.json'

export const evalFixtures = {
  listing: evalListing as EvaluationsResponse,
  runs: evalRuns as RunsResponse,
  binary: evalBinary as unknown as EvaluationReport,
  multiclass: evalMulticlass as unknown as EvaluationReport,
  multilabel: evalMultilabel as unknown as EvaluationReport,
  regression: evalRegression as unknown as EvaluationReport,
  thresholdsBinary: evalThresholdsBinary as unknown as ThresholdTable,
  thresholdsMc: evalThresholdsMc as unknown as ThresholdTable,
  trend: evalTrend as TrendResponse,
  compare: evalCompare as unknown as CompareResponse,
  importance: evalImportance as ImportanceResponse,
  confusion: evalConfusion as ConfusionResponse,
  files: evalFiles as FilesResponse,
  /** A binned summary (run.evaluation_accumulator, run `acc`) and its threshold table. */
  summary: evalSummary as unknown as EvaluationReport,
  thresholdsSummary: evalThresholdsSummary as unknown as ThresholdTable,
}
