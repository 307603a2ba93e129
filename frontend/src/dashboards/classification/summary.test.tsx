import { describe, expect, it, vi } from 'vitest'
import { bootApp, cleanPageAfterEach } from '../../../test/dom'
import { evalFixtures, fakeFetch } from '../../../test/fixtures'

// ECharts needs a real canvas; the chart host is covered by the end-to-end tests.
vi.mock('../../charts/EChart', () => import('../../../test/echartStub'))

cleanPageAfterEach()

const summaryEntry = { run: 'acc', name: 'val', task: 'binary' as const, steps: [0], max_step: 0, source: 'summary' as const }

function start() {
  const { fetchImpl, calls } = fakeFetch({
    runs: { ...evalFixtures.runs, runs: [...evalFixtures.runs.runs, { ...evalFixtures.runs.runs[0], run: 'acc' }] },
    tables: { tables: [], lists: [] },
    evaluations: { ...evalFixtures.listing, evaluations: [...evalFixtures.listing.evaluations, summaryEntry] },
    evaluation: evalFixtures.summary,
    'evaluation/thresholds': evalFixtures.thresholdsSummary,
    'evaluation/trend': evalFixtures.trend,
    importance: evalFixtures.importance,
  })
  return { host: bootApp(fetchImpl, '#p.tb_eval.dash=classification&p.tb_eval.runs=%5B%22acc%22%5D'), calls }
}

describe('Classification dashboard on a binned summary', () => {
  it('says it is a summary, shows its error bound and hides what a summary cannot give', async () => {
    const { host, calls } = start()
    await vi.waitFor(() => expect(host.querySelector('[data-testid="summary-badge"]')).not.toBeNull())
    expect(calls.some((c) => c.startsWith('evaluation?run=acc&name=val'))).toBe(true)
    const r = evalFixtures.summary
    const bound = host.querySelector('[data-testid="summary-bound"]')!.textContent!
    expect(bound).toBe(`ROC AUC ± ${r.summary!.error_bounds.roc_auc.toExponential(1)}, AP ± ${r.summary!.error_bounds.average_precision.toFixed(4)}`)
    // what a summary cannot give is listed, and its cards are gone
    const unavailable = [...host.querySelectorAll('[data-unavailable]')].map((li) => li.getAttribute('data-unavailable'))
    expect(unavailable).toEqual(Object.keys(r.summary!.unavailable))
    const cards = [...host.querySelectorAll('[data-testid="summary-cards"] [data-metric]')].map((c) => c.getAttribute('data-metric'))
    expect(cards).not.toContain('Log loss')
    expect(cards).not.toContain('Brier')
    expect(host.querySelector('[data-metric="ROC AUC"] .tbe-card-value')!.textContent).toBe(r.metrics.roc_auc.toFixed(4))
    // the curves a summary determines are drawn, the threshold slider works from its table
    await vi.waitFor(() => expect(host.querySelector('[data-testid="threshold-matrix"]')).not.toBeNull())
    expect(host.querySelector('.tbe-chart[data-label*="ROC"]')).not.toBeNull()
    // the sidebar marks the entry
    expect(host.textContent).toContain('binary · summary')
  })

  it('raw prediction sets show no summary note', async () => {
    const { fetchImpl } = fakeFetch({
      runs: evalFixtures.runs,
      tables: { tables: [], lists: [] },
      evaluations: evalFixtures.listing,
      evaluation: evalFixtures.binary,
      'evaluation/thresholds': evalFixtures.thresholdsBinary,
      'evaluation/trend': evalFixtures.trend,
    })
    const host = bootApp(fetchImpl, '#p.tb_eval.dash=classification&p.tb_eval.runs=%5B%22bin%22%5D')
    await vi.waitFor(() => expect(host.querySelector('[data-testid="summary-cards"]')).not.toBeNull())
    expect(host.querySelector('[data-testid="summary-note"]')).toBeNull()
    expect(host.querySelector('[data-testid="summary-badge"]')).toBeNull()
    expect(host.querySelector('[data-metric="Log loss"]')).not.toBeNull()
  })
})
