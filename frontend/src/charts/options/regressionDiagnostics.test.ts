import { describe, expect, it } from 'vitest'
import { regressionCards } from '../../dashboards/regression/view'
import { DARK_COLORS, LIGHT_COLORS } from '../lineOption'
import { binLabels, type ErrorByTargetBin, errorByBinCsvColumns, errorByBinOption, type QQCurve, qqCsvColumns, qqOption, qqPoints, qqReference } from './regressionDiagnostics'

type AnyOption = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const qq: QQCurve = { theoretical: [-1.2, 0, 1.2], sample: [-0.9, 0.1, 1.8], probability: [0.1, 0.5, 0.9], mean: 0.5, std: 2, n: 3 }
const bins: ErrorByTargetBin = { bin_edges: [0, 1, 2, 3], count: [4, 0, 2], mean_error: [0.5, null, -1], mae: [1, null, 1.5], rmse: [1.25, null, 2] }

describe('normal Q-Q of residuals', () => {
  it('plots the points and a y = x reference spanning both axes', () => {
    const o = qqOption(qq, LIGHT_COLORS) as AnyOption
    const [points, ref] = o.series
    expect(points).toMatchObject({ type: 'scatter', name: 'residual quantiles' })
    expect(points.data).toEqual([
      [-1.2, -0.9],
      [0, 0.1],
      [1.2, 1.8],
    ])
    expect(ref).toMatchObject({ type: 'line', name: 'y = x (normal)', silent: true })
    expect(ref.data).toEqual([
      [-1.2, -1.2],
      [1.8, 1.8],
    ])
    expect(o.xAxis).toMatchObject({ min: -1.2, max: 1.8 })
    expect(o.yAxis).toMatchObject({ min: -1.2, max: 1.8 })
  })

  it('drops non-finite points and widens a degenerate range', () => {
    expect(qqPoints({ ...qq, theoretical: [null, 0, 1], sample: [0, null, 2] })).toEqual([[1, 2]])
    expect(qqReference([[0, 0]])).toEqual([
      [-1, -1],
      [1, 1],
    ])
    expect(qqReference([])).toEqual([
      [-1, -1],
      [1, 1],
    ])
  })

  it('escapes names in tooltips and shows the raw residual', () => {
    const o = qqOption(qq, DARK_COLORS) as AnyOption
    const html = o.tooltip.formatter({ seriesName: 'residual quantiles', data: [0, 1] })
    expect(html).toContain('residual 2.5')
    expect(o.tooltip.formatter({ seriesName: '<b>x</b>', data: [0, 1] })).toContain('&lt;b&gt;')
  })

  it('exports the route columns', () => {
    expect(qqCsvColumns(qq)).toEqual({ probability: qq.probability, theoretical: qq.theoretical, sample: qq.sample })
  })
})

describe('error by target bin', () => {
  it('draws MAE and RMSE bars and a mean-error line on the bins, gaps for empty bins', () => {
    const o = errorByBinOption(bins, LIGHT_COLORS) as AnyOption
    expect(o.xAxis.type).toBe('category')
    expect(o.xAxis.data).toEqual(binLabels(bins.bin_edges))
    expect(o.xAxis.data[0]).toBe('0 … 1')
    const [mae, rmse, bias] = o.series
    expect(mae).toMatchObject({ type: 'bar', name: 'MAE', data: [1, null, 1.5] })
    expect(rmse).toMatchObject({ type: 'bar', name: 'RMSE', data: [1.25, null, 2] })
    expect(bias).toMatchObject({ type: 'line', name: 'mean error (bias)', data: [0.5, null, -1], connectNulls: false })
    expect(bias.markLine.data).toEqual([{ yAxis: 0 }])
    const tip = o.tooltip.formatter([{ dataIndex: 1 }])
    expect(tip).toContain('0 samples')
    expect(tip).toContain('MAE —')
  })

  it('exports bin bounds and the route columns', () => {
    expect(errorByBinCsvColumns(bins)).toEqual({ bin_lower: [0, 1, 2], bin_upper: [1, 2, 3], count: [4, 0, 2], mean_error: [0.5, null, -1], mae: [1, null, 1.5], rmse: [1.25, null, 2] })
  })
})

describe('regression metric cards', () => {
  it('show RMSLE only when the engine defines it', () => {
    expect(regressionCards({ r2: 0.5 }).map((c) => c.label)).not.toContain('RMSLE')
    const cards = regressionCards({ r2: 0.5, root_mean_squared_log_error: 0.25 })
    expect(cards.find((c) => c.label === 'RMSLE')?.value).toBe(0.25)
  })
})
