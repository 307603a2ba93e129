import { describe, expect, it } from 'vitest'
import { evalFixtures, XSS } from '../../../test/fixtures'
import { compareSeries, compareTable } from './compare'
import { probit } from './probit'
import { binsEce, calibrationKeys, classReport, curveKeys, curveSeries, metricName, prevalence, referenceSeries } from './series'

describe('curve series', () => {
  it('orders keys as classes, then micro and macro', () => {
    const r = evalFixtures.multiclass
    expect(curveKeys(r.curves.roc, r.labels)).toEqual([...r.labels.map(String), 'micro', 'macro'])
    expect(calibrationKeys(r.curves, r.labels).slice(-2)).toEqual(['micro', 'top_label'])
  })

  it('names metrics per task', () => {
    expect(metricName('roc_auc', 'yes', 'binary')).toBe('roc_auc')
    expect(metricName('roc_auc', 'macro', 'multiclass')).toBe('roc_auc_macro')
    expect(metricName('roc_auc', 'cat', 'multiclass')).toBe('roc_auc/cat')
  })

  it('puts AUC and AP in the legend and keeps thresholds per point', () => {
    const r = evalFixtures.binary
    const [roc] = curveSeries('roc', r)
    expect(roc.name).toBe('yes')
    expect(roc.note).toBe(`AUC ${r.metrics.roc_auc.toFixed(3)}`)
    // the +inf first threshold is null, the point kept
    expect(roc.points[0]).toEqual([0, 0, null])
    expect(roc.points.length).toBe(r.curves.roc!.yes.fpr.length)
    const [pr] = curveSeries('precision_recall', r)
    expect(pr.note).toBe(`AP ${r.metrics.average_precision.toFixed(3)}`)
    const mc = curveSeries('roc', evalFixtures.multiclass)
    expect(mc.find((s) => s.name === 'macro')!.style).toBe('dotted')
    expect(mc.find((s) => s.name === XSS)!.note).toMatch(/^AUC 0\.\d{3}$/)
  })

  it('draws DET on probit coordinates and KS as two lines per class', () => {
    const r = evalFixtures.binary
    const [det] = curveSeries('det', r)
    const c = r.curves.det!.yes
    const i = c.fpr.findIndex((v) => v !== null && v > 0.01 && v < 0.99)
    const point = det.points.find((p) => p[2] === c.thresholds![i])!
    expect(point[0]).toBeCloseTo(probit(c.fpr[i]!), 9)
    const ks = curveSeries('ks', r)
    expect(ks.map((s) => [s.name, s.style])).toEqual([
      ['yes', 'solid'],
      ['yes', 'dashed'],
    ])
  })

  it('draws chance and ideal lines from the prevalence', () => {
    expect(referenceSeries('roc', null).map((s) => s.name)).toEqual(['chance', 'ideal'])
    const pr = referenceSeries('precision_recall', 0.25)
    expect(pr[0].points).toEqual([
      [0, 0.25, null],
      [1, 0.25, null],
    ])
    const gains = referenceSeries('cumulative_gains', 0.5)
    expect(gains[1].points[1]).toEqual([0.5, 1, null])
    const p = prevalence(evalFixtures.binary, 'yes')!
    expect(p).toBeCloseTo(evalFixtures.binary.metrics['support/yes'] / evalFixtures.binary.n_samples)
  })

  it('ECE from uniform bins equals the server metric', () => {
    const r = evalFixtures.binary
    expect(binsEce(r.curves.calibration!.yes.uniform)).toBeCloseTo(r.metrics.ece, 10)
    const mc = evalFixtures.multiclass
    expect(binsEce(mc.curves.calibration!.top_label.uniform)).toBeCloseTo(mc.metrics.ece, 10)
  })

  it('builds the per-class report', () => {
    const rows = classReport(evalFixtures.binary)
    expect(rows.map((r) => r.label)).toEqual(['no', 'yes'])
    expect(rows[1].values[4]).toBe(evalFixtures.binary.metrics.roc_auc)
    expect(rows[0].values[4]).toBeNull()
    const mc = classReport(evalFixtures.multiclass)
    expect(mc).toHaveLength(10)
    expect(mc[9].label).toBe(XSS)
  })
})

describe('compare runs', () => {
  it('one series per run, coloured by run index', () => {
    const runs = evalFixtures.compare.runs
    const s = compareSeries(runs, 'roc', 'micro', (run) => ['sweep/t0', 'sweep/t1', 'sweep/t2'].indexOf(run))
    expect(s.map((x) => [x.name, x.index])).toEqual([
      ['sweep/t0', 0],
      ['sweep/t1', 1],
      ['sweep/t2', 2],
    ])
    expect(s[2].note).toBe(`AUC ${runs[2].metrics.roc_auc.toFixed(3)}`)
    expect(compareSeries(runs, 'calibration', 'micro', () => 0)).toHaveLength(3)
  })

  it('tabulates params and metrics', () => {
    const { columns, rows } = compareTable(evalFixtures.compare.runs)
    const names = columns.map((c) => c.name)
    expect(names.slice(0, 5)).toEqual(['run', 'step', 'status', 'param lr', 'param shift'])
    expect(names).toContain('roc_auc')
    expect(rows[1][names.indexOf('param shift')]).toBe(0.6)
    expect(columns[3].type).toBe('number')
  })
})
