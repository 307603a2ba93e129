import { describe, expect, it } from 'vitest'
import { evalFixtures, XSS } from '../../../test/fixtures'
import { CURVE_SPECS, curveSeries, referenceSeries } from '../../model/eval/series'
import { probit } from '../../model/eval/probit'
import { LIGHT_COLORS } from '../lineOption'
import { calibrationOption } from './calibration'
import { escapeHtml } from './common'
import { confusionOption } from './confusion'
import { curveOption, curveTooltip, normalCdf } from './curves'
import { importanceOption, topImportances } from './importance'
import { histogramOption, predictedVsTrueOption, residualsOption } from './regression'
import { trendOption } from './trend'

type AnyOption = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

describe('curve options', () => {
  const r = evalFixtures.multiclass
  const series = [...referenceSeries('roc', 0.1), ...curveSeries('roc', r)]
  const option = curveOption({ spec: CURVE_SPECS.roc, series, hidden: new Set(['ant']), colors: LIGHT_COLORS }) as AnyOption

  it('has one legend entry per class, micro, macro and the reference lines', () => {
    expect(option.legend.data).toEqual(['chance', 'ideal', ...r.labels.map(String), 'micro', 'macro'])
    expect(option.legend.selected.ant).toBe(false)
    expect(option.legend.selected.bee).toBe(true)
    expect(option.legend.formatter('cat')).toMatch(/^cat {2}AUC 0\.\d{3}$/)
    expect(option.legend.formatter('chance')).toBe('chance')
  })

  it('styles averages and references apart from classes', () => {
    const byName = Object.fromEntries(option.series.map((s: AnyOption) => [s.name, s]))
    expect(byName.macro.lineStyle.type).toBe('dotted')
    expect(byName.micro.lineStyle.width).toBeGreaterThan(byName.ant.lineStyle.width)
    expect(byName.chance.silent).toBe(true)
    expect(option.xAxis.min).toBe(0)
    expect(option.yAxis.max).toBe(1)
    expect(option.animation).toBe(false)
  })

  it('escapes logged names in tooltips and caps their rows', () => {
    const params = Array.from({ length: 20 }, (_, i) => ({ seriesName: i === 0 ? XSS : `c${i}`, data: [0.1, 0.2, 0.5] as [number, number, number] }))
    const html = curveTooltip(params, CURVE_SPECS.roc, 12)
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img src=x onerror=window.__xss=1&gt;')
    expect(html).toContain('… 8 more')
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;')
  })

  it('DET axes are probit with rate labels', () => {
    const det = curveOption({ spec: CURVE_SPECS.det, series: curveSeries('det', evalFixtures.binary), hidden: new Set(), colors: LIGHT_COLORS }) as AnyOption
    expect(det.xAxis.min).toBeCloseTo(probit(0.0005))
    expect(det.xAxis.axisLabel.customValues).toContain(probit(0.5))
    expect(det.xAxis.axisLabel.formatter(probit(0.01))).toBe('1%')
    expect(normalCdf(probit(0.2))).toBeCloseTo(0.2, 6)
  })
})

describe('calibration option', () => {
  it('draws reliability lines, the ideal diagonal and a confidence histogram', () => {
    const r = evalFixtures.binary
    const option = calibrationOption({ curves: r.curves.calibration!, keys: ['yes'], strategy: 'quantile', hidden: new Set(), histogramKey: 'yes', colors: LIGHT_COLORS }) as AnyOption
    const [ideal, line, hist] = option.series
    expect(ideal.data).toEqual([
      [0, 0],
      [1, 1],
    ])
    expect(line.data.length).toBe(r.curves.calibration!.yes.quantile!.mean_predicted.length)
    expect(hist.type).toBe('bar')
    expect(hist.data).toEqual(r.curves.calibration!.yes.uniform.count)
    expect(option.legend.formatter('yes')).toBe(`yes  ECE ${r.metrics.ece.toFixed(3)}`)
  })
})

describe('confusion option', () => {
  it('is a heatmap on category axes with true classes down the side', () => {
    const cm = evalFixtures.multiclass.curves.confusion_matrix as { labels: string[]; matrix: number[][] }
    const option = confusionOption({ labels: cm.labels.map(String), values: cm.matrix, normalized: false, colors: LIGHT_COLORS, dark: false }) as AnyOption
    expect(option.xAxis.type).toBe('category')
    expect(option.yAxis.inverse).toBe(true)
    expect(option.series[0].data).toHaveLength(100)
    expect(option.series[0].data[1]).toEqual([1, 0, cm.matrix[0][1]])
    expect(option.dataZoom).toEqual([])
    expect(option.tooltip.formatter({ data: [9, 0, 3] })).not.toContain('<img')
  })

  it('zooms and hides cell labels with many classes; diverging colours for a difference', () => {
    const n = 120
    const labels = Array.from({ length: n }, (_, i) => `class ${i}`)
    const values = labels.map((_, i) => labels.map((__, j) => (i === j ? 50 : (i + j) % 7)))
    const option = confusionOption({ labels, values, normalized: false, colors: LIGHT_COLORS, dark: false }) as AnyOption
    expect(option.dataZoom.length).toBe(4)
    expect(option.series[0].label.show).toBe(false)
    const diff = confusionOption({ labels: ['a', 'b'], values: [[0.1, -0.3], [0.2, 0]], normalized: true, diverging: true, colors: LIGHT_COLORS, dark: false }) as AnyOption
    expect(diff.visualMap.min).toBeCloseTo(-0.3)
    expect(diff.visualMap.max).toBeCloseTo(0.3)
  })
})

describe('regression, importance and trend options', () => {
  it('predicted vs true: band, mean, ideal and counts', () => {
    const p = evalFixtures.regression.curves.predicted_vs_true!
    const option = predictedVsTrueOption(p, LIGHT_COLORS) as AnyOption
    const names = option.series.map((s: AnyOption) => s.name)
    expect(names).toEqual(['±1 std', '±1 std', 'mean predicted', 'ideal', 'count'])
    const [lower, width] = option.series
    expect(lower.data[0][1]).toBeCloseTo(p.predicted_mean[0]! - p.predicted_std[0]!)
    expect(width.data[0][1]).toBeCloseTo(2 * p.predicted_std[0]!)
    expect(option.series[4].data.map((d: number[]) => d[1])).toEqual(p.count)
    expect((histogramOption(evalFixtures.regression.curves.residual_histogram!, LIGHT_COLORS) as AnyOption).series[0].data).toHaveLength(40)
    const res = residualsOption(evalFixtures.regression.curves.residuals_vs_predicted!, LIGHT_COLORS) as AnyOption
    expect(res.series[0].data.length).toBe(evalFixtures.regression.curves.residuals_vs_predicted!.sample_predicted!.length)
  })

  it('importance: top k by magnitude, the rest collapsed into one bar', () => {
    const bars = topImportances(['a', 'b', 'c', 'd', XSS], [0.1, -0.9, 0.3, 0.05, 0.2], 3)
    expect(bars.names).toEqual(['b', 'c', XSS, '2 other features (sum)'])
    expect(bars.values[3]).toBeCloseTo(0.15)
    expect(bars.rest).toBe(2)
    expect(topImportances(['a'], [1], 0).rest).toBe(0)
    const option = importanceOption(bars, LIGHT_COLORS) as AnyOption
    expect(option.yAxis.inverse).toBe(true)
    expect(option.yAxis.data).toEqual(bars.names)
  })

  it('trend: one line per metric, the shown step marked', () => {
    const t = evalFixtures.trend
    const option = trendOption(t.steps, t.metrics, ['accuracy', 'roc_auc_macro'], 1, LIGHT_COLORS) as AnyOption
    expect(option.series).toHaveLength(2)
    expect(option.series[0].data).toEqual(t.steps.map((s, i) => [s, t.metrics.accuracy[i]]))
    expect(option.series[0].markLine.data).toEqual([{ xAxis: 1 }])
  })
})
