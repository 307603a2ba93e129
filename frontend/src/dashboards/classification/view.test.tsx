import { describe, expect, it, vi } from 'vitest'
import { bootApp, cleanPageAfterEach, stopApp } from '../../../test/dom'
import { evalFixtures, fakeFetch, XSS } from '../../../test/fixtures'

// ECharts needs a real canvas; the chart host is covered by the end-to-end tests.
vi.mock('../../charts/EChart', () => import('../../../test/echartStub'))

cleanPageAfterEach()

function start(hash: string) {
  const { fetchImpl, calls } = fakeFetch({
    runs: evalFixtures.runs,
    tables: { tables: [], lists: [] },
    evaluations: evalFixtures.listing,
    evaluation: (url: string) => {
      const run = new URL(url, 'http://h/').searchParams.get('run')
      return run === 'mc' ? evalFixtures.multiclass : run === 'reg' ? evalFixtures.regression : evalFixtures.binary
    },
    'evaluation/thresholds': (url: string) => (new URL(url, 'http://h/').searchParams.get('run') === 'mc' ? evalFixtures.thresholdsMc : evalFixtures.thresholdsBinary),
    'evaluation/trend': evalFixtures.trend,
    'evaluation/compare': evalFixtures.compare,
    importance: evalFixtures.importance,
  })
  return { host: bootApp(fetchImpl, hash), calls }
}

const cell = (host: HTMLElement, name: string) => host.querySelector(`[data-cell="${name}"] .tbe-cm2-count`)!.textContent

describe('Classification dashboard', () => {
  it('moves the operating point: the 2×2 matrix and the cards follow the slider', async () => {
    const { host, calls } = start('#p.tb_eval.dash=classification&p.tb_eval.runs=%5B%22bin%22%5D')
    await vi.waitFor(() => expect(host.querySelector('[data-testid="threshold-matrix"]')).not.toBeNull())
    expect(calls.some((c) => c.startsWith('evaluation/thresholds?run=bin&name=val&step=2&points=1000'))).toBe(true)
    const t = evalFixtures.thresholdsBinary
    const before = cell(host, 'TP')
    const slider = host.querySelector<HTMLInputElement>('input[aria-label="Threshold"]')!
    slider.value = '0.9'
    slider.dispatchEvent(new Event('input', { bubbles: true }))
    await vi.waitFor(() => expect(cell(host, 'TP')).not.toBe(before))
    let row = -1
    t.thresholds.forEach((v, i) => {
      if ((v ?? Infinity) >= 0.9) row = i
    })
    expect(cell(host, 'TP')).toBe(String(t.tp[row]))
    expect(cell(host, 'FP')).toBe(String(t.fp[row]))
    // "Best F1" jumps to the row with the highest F1
    host.querySelector<HTMLButtonElement>('[data-jump="f1"]')!.click()
    const best = t.f1!.indexOf(Math.max(...(t.f1 as number[])))
    await vi.waitFor(() => expect(cell(host, 'TP')).toBe(String(t.tp[best])))
  })

  it('renders logged labels as text, never markup', async () => {
    const { host } = start('#p.tb_eval.dash=classification&p.tb_eval.runs=%5B%22mc%22%5D')
    await vi.waitFor(() => expect(host.querySelector('[data-testid="top-confusions"]')).not.toBeNull())
    expect(host.querySelector('.tbe-cm-top')!.textContent).toContain(XSS)
    expect([...host.querySelectorAll('select[aria-label="Class against the rest"] option')].map((o) => o.textContent)).toContain(XSS)
    expect(host.querySelector('img')).toBeNull()
    expect((window as { __xss?: unknown }).__xss).toBeUndefined()
    // per-class report is sortable through the shared grid
    const f1 = [...host.querySelectorAll<HTMLButtonElement>('[data-testid="class-report"] .tbe-sort')].find((b) => b.textContent!.startsWith('f1'))!
    f1.click()
    await vi.waitFor(() => expect(f1.closest('th')!.getAttribute('aria-sort')).toBe('ascending'))
    const firstClass = host.querySelector('[data-testid="class-report"] tbody tr td:nth-child(2)')!.textContent
    const f1s = evalFixtures.multiclass.labels.map((l) => [String(l), evalFixtures.multiclass.metrics[`f1/${String(l)}`]] as const)
    expect(firstClass).toBe(f1s.reduce((a, b) => (b[1] < a[1] ? b : a))[0])
  })
})

describe('Regression, importance and compare dashboards', () => {
  it('show their cards and controls', async () => {
    const reg = start('#p.tb_eval.dash=regression&p.tb_eval.runs=%5B%22reg%22%5D')
    await vi.waitFor(() => expect(reg.host.querySelector('[data-metric="R²"] .tbe-card-value')!.textContent).toBe(evalFixtures.regression.metrics.r2.toFixed(4)))
    stopApp()
    const imp = start('#p.tb_eval.dash=importance&p.tb_eval.runs=%5B%22bin%22%5D')
    await vi.waitFor(() => expect(imp.host.querySelector('[data-testid="chart-importance"]')).not.toBeNull())
    expect(imp.host.textContent).toContain('Show all 31 features')
    stopApp()
    const cmp = start('#p.tb_eval.dash=compare&p.tb_eval.runs=%5B%22sweep%2Ft0%22%2C%22sweep%2Ft1%22%2C%22sweep%2Ft2%22%5D')
    await vi.waitFor(() => expect(cmp.host.querySelectorAll('[data-testid="compare-table"] tbody tr').length).toBe(3))
    expect(cmp.calls.some((c) => c.startsWith('evaluation/compare?run=sweep%2Ft0&run=sweep%2Ft1&run=sweep%2Ft2&name=val'))).toBe(true)
  })
})
