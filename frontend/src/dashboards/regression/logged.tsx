// The Regression sidebar (evaluations, and diagnostics logged in Azure's schemas) and the view of
// a logged residual histogram or binned predicted-vs-true.
import { useMemo } from 'preact/hooks'
import type { Shell } from '../../app/store'
import { EChart } from '../../charts/EChart'
import { fileStem } from '../../charts/export'
import { DARK_COLORS, LIGHT_COLORS } from '../../charts/lineOption'
import { binnedPredictionsOption, loggedResidualsOption } from '../../charts/options/regressionBins'
import { columnsCsv, csvRows } from '../../model/eval/csv'
import { formatCount } from '../../model/format'
import { EvaluationAndDocsSidebar } from '../shared/EvaluationSidebar'
import { Card, StepSlider } from '../shared/widgets'
import type { RegressionState } from './state'

export function RegressionSidebar({ state }: { state: RegressionState }) {
  return <EvaluationAndDocsSidebar state={state} title="Regression evaluations" docsTitle="Logged residuals and binned predictions" badge="logged" />
}

/** A residual histogram (log_residuals) or binned predicted vs true (log_predictions with Azure's
 * predictions JSON), drawn as logged. */
export function LoggedBinsView({ state, shell }: { state: RegressionState; shell: Shell }) {
  const d = state.docData.value
  const doc = state.doc.value!
  const colors = shell.dark.value ? DARK_COLORS : LIGHT_COLORS
  const option = useMemo(() => (d ? (d.schema === 'residuals' ? loggedResidualsOption(d, colors) : binnedPredictionsOption(d, colors)) : null), [d, colors])
  if (!d || !option) return <div class="tbe-empty">Loading…</div>
  const n = d.bin_counts.reduce((a, b) => a + b, 0)
  const residuals = d.schema === 'residuals'
  const title = residuals ? 'Residual histogram' : 'Predicted vs true'
  const csv = () => {
    const c = columnsCsv({ bin_lower: d.bin_edges.slice(0, -1), bin_upper: d.bin_edges.slice(1), ...(residuals ? {} : { average_predicted: d.bin_averages ?? [], error: d.bin_errors ?? [] }), count: d.bin_counts })
    return csvRows(c.header, c.rows)
  }
  return (
    <div class="tbe-dashboard" data-task="regression">
      <div class="tbe-title-row">
        <h2 class="tbe-title">{d.name}</h2>
        <span class="tbe-subtitle">{`${d.run} · logged ${residuals ? 'residuals' : 'binned predictions'} · ${formatCount(n)} samples in ${d.bin_counts.length} bins · step ${d.step}`}</span>
      </div>
      <StepSlider steps={d.steps} step={d.step} onChange={(step) => state.openDoc(doc.run, doc.name, step)} />
      <div class="tbe-grid2">
        <Card title={title} wide testId={residuals ? 'chart-logged_residuals' : 'chart-logged_predictions'} subtitle={residuals ? ' · as logged (Azure: predicted − true)' : ' · as logged: average prediction per bin of true values, ± its error, ideal y = x, counts below'}>
          <EChart key={d.schema} option={option} dark={shell.dark.value} label={title} height={400} exportName={fileStem(d.run, d.name, `step${d.step}`, residuals ? 'residuals' : 'predictions')} csv={csv} />
        </Card>
      </div>
    </div>
  )
}
