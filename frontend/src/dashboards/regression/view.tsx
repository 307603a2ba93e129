// Views of the Regression dashboard: metric cards, predicted vs true (binned mean ± 1 std and
// the ideal line, with a count histogram, or a 2-D density for large n), residual histogram,
// residuals vs predicted, normal Q-Q of the residuals, error by target bin, trends.
import { useMemo, useState } from 'preact/hooks'
import type { Shell } from '../../app/store'
import { EChart } from '../../charts/EChart'
import { fileStem } from '../../charts/export'
import { DARK_COLORS, LIGHT_COLORS } from '../../charts/lineOption'
import { defaultPvtView, densityCsvColumns, densityOption, histogramOption, predictedVsTrueOption, residualsOption } from '../../charts/options/regression'
import { type DiagnosticCurves, errorByBinCsvColumns, errorByBinOption, qqCsvColumns, qqOption } from '../../charts/options/regressionDiagnostics'
import { formatCount } from '../../model/format'
import { columnsCsv, csvRows } from '../../model/eval/csv'
import { TrendCard } from '../shared/TrendCard'
import { Card, type CardItem, MetricCards, StepSlider } from '../shared/widgets'
import { LoggedBinsView } from './logged'
import type { RegressionState } from './state'

const csvOf = (columns: Record<string, ArrayLike<number | null>>) => {
  const c = columnsCsv(columns)
  return csvRows(c.header, c.rows)
}

export function regressionCards(m: Record<string, number>): CardItem[] {
  return [
    { label: 'R²', value: m.r2 },
    { label: 'RMSE', value: m.root_mean_squared_error },
    { label: 'MAE', value: m.mean_absolute_error },
    { label: 'MSE', value: m.mean_squared_error },
    { label: 'Median AE', value: m.median_absolute_error },
    { label: 'Max error', value: m.max_error },
    { label: 'MAPE', value: m.mean_absolute_percentage_error },
    { label: 'Explained var.', value: m.explained_variance },
    { label: 'Spearman', value: m.spearman },
    // only when defined (every y_true and y_pred > -1)
    ...(m.root_mean_squared_log_error !== undefined ? [{ label: 'RMSLE', value: m.root_mean_squared_log_error }] : []),
  ]
}

export function RegressionView({ state, shell }: { state: RegressionState; shell: Shell }) {
  const r = state.report.value
  const entry = state.entry.value
  const colors = shell.dark.value ? DARK_COLORS : LIGHT_COLORS
  const curves = r?.curves as DiagnosticCurves | undefined
  /** 'binned' | 'density' chosen with the toggle (null: by n, see defaultPvtView). */
  const [pvtChoice, setPvtChoice] = useState<'binned' | 'density' | null>(null)
  const options = useMemo(() => {
    if (!curves) return null
    return {
      pvt: curves.predicted_vs_true ? predictedVsTrueOption(curves.predicted_vs_true, colors) : null,
      density: curves.predicted_vs_true_density ? densityOption(curves.predicted_vs_true_density, colors, shell.dark.value, curves.predicted_vs_true) : null,
      hist: curves.residual_histogram ? histogramOption(curves.residual_histogram, colors) : null,
      res: curves.residuals_vs_predicted ? residualsOption(curves.residuals_vs_predicted, colors) : null,
      qq: curves.qq ? qqOption(curves.qq, colors) : null,
      errBins: curves.error_by_target_bin ? errorByBinOption(curves.error_by_target_bin, colors) : null,
    }
  }, [curves, colors, shell.dark.value])
  if (shell.selectedRuns.value.length === 0) return <div class="tbe-empty">Choose one or more runs.</div>
  if (state.doc.value) return <LoggedBinsView state={state} shell={shell} />
  if (!entry) return <div class="tbe-empty">{state.listing.value === null ? 'Loading…' : 'No regression evaluation in the chosen runs. Log one with run.log_predictions(name, y_true, y_pred=…, task="regression"), or Azure-style with run.log_residuals / run.log_predictions(name, value).'}</div>
  if (!r || !options || !curves) return <div class="tbe-empty">Loading…</div>
  const stem = (what: string) => fileStem(r.run, r.name, `step${r.step}`, what)
  const trend = state.trend.value
  const pvt = curves.predicted_vs_true
  const hist = curves.residual_histogram
  const res = curves.residuals_vs_predicted
  const density = curves.predicted_vs_true_density
  const qq = curves.qq
  const errBins = curves.error_by_target_bin
  const pvtView = density && options.density ? (pvtChoice ?? defaultPvtView(r.n_samples, true)) : 'binned'
  const toggle = density ? (
    <span class="tbe-seg" role="group" aria-label="Predicted vs true view" data-testid="pvt-view">
      {(['binned', 'density'] as const).map((v) => (
        <button key={v} type="button" aria-pressed={pvtView === v ? 'true' : 'false'} data-view={v} onClick={() => setPvtChoice(v)}>
          {v}
        </button>
      ))}
    </span>
  ) : null
  return (
    <div class="tbe-dashboard" data-task="regression">
      <div class="tbe-title-row">
        <h2 class="tbe-title">{r.name}</h2>
        <span class="tbe-subtitle">{`${r.run} · regression · ${formatCount(r.n_samples)} samples · step ${r.step}`}</span>
      </div>
      <StepSlider steps={entry.steps} step={state.view.value.step ?? r.step} onChange={state.setStep} />
      <MetricCards items={regressionCards(r.metrics)} testId="summary-cards" />
      <div class="tbe-grid2">
        {pvtView === 'density' && density && options.density ? (
          <Card title="Predicted vs true" wide testId="chart-predicted_vs_true" subtitle={` · density of ${formatCount(density.n)} samples (${density.x_edges.length - 1}×${density.y_edges.length - 1} bins, log colour scale), mean predicted and ideal y = x`}>
            <EChart key="density" option={options.density} dark={shell.dark.value} label="Predicted vs true density" height={440} exportName={stem('predicted_vs_true_density')} csv={() => csvOf(densityCsvColumns(density))}>
              {toggle}
            </EChart>
          </Card>
        ) : options.pvt && pvt ? (
          <Card title="Predicted vs true" wide testId="chart-predicted_vs_true" subtitle=" · binned by true value: mean ± 1 std, ideal y = x, counts below">
            <EChart key="binned" option={options.pvt} dark={shell.dark.value} label="Predicted vs true" height={400} exportName={stem('predicted_vs_true')} csv={() => csvOf({ bin_lower: pvt.bin_edges.slice(0, -1), bin_upper: pvt.bin_edges.slice(1), true_mean: pvt.true_mean, predicted_mean: pvt.predicted_mean, predicted_std: pvt.predicted_std, count: pvt.count })}>
              {toggle}
            </EChart>
          </Card>
        ) : null}
        {options.hist && hist ? (
          <Card title="Residual histogram" testId="chart-residual_histogram">
            <EChart option={options.hist} dark={shell.dark.value} label="Residual histogram" exportName={stem('residual_histogram')} csv={() => csvOf({ bin_lower: hist.bin_edges.slice(0, -1), bin_upper: hist.bin_edges.slice(1), count: hist.count })} />
          </Card>
        ) : null}
        {options.res && res ? (
          <Card title="Residuals vs predicted" testId="chart-residuals_vs_predicted">
            <EChart option={options.res} dark={shell.dark.value} label="Residuals vs predicted" exportName={stem('residuals_vs_predicted')} csv={() => csvOf({ bin_lower: res.bin_edges.slice(0, -1), bin_upper: res.bin_edges.slice(1), residual_mean: res.residual_mean, residual_std: res.residual_std, count: res.count })} />
          </Card>
        ) : null}
        {options.qq && qq ? (
          <Card title="Normal Q-Q of residuals" testId="chart-qq" subtitle={` · ${qq.std > 0 ? 'standardised' : 'constant'} residuals vs normal quantiles, ${qq.sample.length} points`}>
            <EChart option={options.qq} dark={shell.dark.value} label="Normal Q-Q plot of the residuals" exportName={stem('qq')} csv={() => csvOf(qqCsvColumns(qq))} />
          </Card>
        ) : null}
        {options.errBins && errBins ? (
          <Card title="Error by target bin" testId="chart-error_by_target_bin" subtitle=" · MAE and RMSE bars, mean error (predicted − true) line">
            <EChart option={options.errBins} dark={shell.dark.value} label="Error by target bin" exportName={stem('error_by_target_bin')} csv={() => csvOf(errorByBinCsvColumns(errBins))} />
          </Card>
        ) : null}
        {trend ? <TrendCard steps={trend.steps} metrics={trend.metrics} step={r.step} shell={shell} stem={fileStem(r.run, r.name, 'trend')} /> : null}
      </div>
    </div>
  )
}
