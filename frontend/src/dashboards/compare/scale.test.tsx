import { describe, expect, it, vi } from 'vitest'
import { bootApp, cleanPageAfterEach, mount } from '../../../test/dom'
import { evalFixtures, fakeFetch } from '../../../test/fixtures'
import type { CompareTableResponse } from '../../api/evalTypes'
import type { Cell, ColumnInfo } from '../../api/types'
import { defaultDrawn, MAX_DRAWN, tableRuns } from './state'
import { OVERSCAN, ROW_HEIGHT, VirtualRows, visibleRange } from '../shared/virtualRows'

vi.mock('../../charts/EChart', () => ({
  EChart: ({ label }: { label: string }) => <div class="tbe-chart" data-label={label} />,
}))

const N = 300

function bigTable(n: number = N, sweep = true): CompareTableResponse {
  return {
    name: 'val',
    step: null,
    metrics: ['roc_auc', 'log_loss'],
    sweep: sweep ? { run: 'sweep', experiment: 'sweep', metric: 'accuracy', mode: 'max', best: `sweep/t${String(n - 7).padStart(4, '0')}`, runs: n } : null,
    runs: Array.from({ length: n }, (_, i) => ({
      run: `sweep/t${String(i).padStart(4, '0')}`,
      step: 9,
      task: 'binary' as const,
      n_samples: 100,
      status: 'success',
      params: { lr: 10 ** (-4 + (3 * i) / n), optimizer: ['adam', 'sgd'][i % 2] },
      tags: {},
      metrics: [0.5 + (0.4 * i) / n, 1 - i / n],
      sweep_value: i === n - 7 ? 0.99 : 0.5 + (0.3 * i) / n,
    })),
    errors: [],
  }
}

cleanPageAfterEach()

describe('virtual rows', () => {
  it('draws only the rows in view, plus the overscan', () => {
    expect(visibleRange(0, 420, 1000)).toEqual([0, Math.ceil(420 / ROW_HEIGHT) + OVERSCAN])
    expect(visibleRange(500 * ROW_HEIGHT, 420, 1000)).toEqual([500 - OVERSCAN, 500 + Math.ceil(420 / ROW_HEIGHT) + OVERSCAN])
    expect(visibleRange(10_000 * ROW_HEIGHT, 420, 1000)[1]).toBe(1000)
    expect(visibleRange(0, 420, 3)).toEqual([0, 3])
  })

  it('renders a window of 1,000 rows and follows the scroll', async () => {
    const columns: ColumnInfo[] = [
      { name: 'run', type: 'string' },
      { name: 'auc', type: 'number' },
    ]
    const rows: Cell[][] = Array.from({ length: 1000 }, (_, i) => [`r${i}`, i / 1000])
    const onSort = vi.fn()
    const host = mount(<VirtualRows columns={columns} rows={rows} label="t" sort={null} order="asc" onSort={onSort} />)
    const drawn = () => [...host.querySelectorAll('tr[data-row]')].map((tr) => tr.getAttribute('data-row'))
    expect(drawn().length).toBeLessThan(40)
    expect(drawn()[0]).toBe('r0')
    const box = host.querySelector<HTMLElement>('[data-testid="virtual-rows"]')!
    box.scrollTop = 600 * ROW_HEIGHT
    box.dispatchEvent(new Event('scroll'))
    await vi.waitFor(() => expect(drawn()).toContain('r600'))
    expect(drawn()).not.toContain('r0')
    expect(drawn().length).toBeLessThan(40)
    // the spacers keep the full scroll height
    const top = host.querySelector<HTMLElement>('[data-spacer="top"] td')!
    expect(top.style.height).toBe(`${(600 - OVERSCAN) * ROW_HEIGHT}px`)
    host.querySelector<HTMLButtonElement>('th button')!.click()
    expect(onSort).toHaveBeenCalledWith('run', 'asc')
  })
})

describe('runs drawn', () => {
  it('defaults to the best runs of the sweep, else the first ones', () => {
    const t = bigTable()
    const runs = tableRuns(t)
    expect(runs[1].metrics).toEqual({ roc_auc: t.runs[1].metrics[0], log_loss: t.runs[1].metrics[1] })
    const drawn = defaultDrawn(runs, t.sweep)
    expect(drawn.length).toBe(MAX_DRAWN)
    expect(drawn[0]).toBe(t.sweep!.best)
    expect(drawn[1]).toBe(t.runs[N - 1].run)
    expect(defaultDrawn(runs, { ...t.sweep!, mode: 'min' })[0]).toBe(t.runs[0].run)
    expect(defaultDrawn(runs, null)).toEqual(t.runs.slice(0, MAX_DRAWN).map((r) => r.run))
  })
})

function start(table: CompareTableResponse) {
  const template = evalFixtures.compare.runs[0]
  const { fetchImpl, calls } = fakeFetch({
    runs: { runs: table.runs.map((r) => ({ run: r.run, name: r.run, experiment: 'sweep', status: 'success', params: r.params, tags: {}, files: [] })) },
    tables: { tables: [], lists: [] },
    evaluations: { evaluations: table.runs.map((r) => ({ run: r.run, name: 'val', task: 'binary', steps: [9], max_step: 9 })), importances: [], confusions: [] },
    'evaluation/compare/table': table,
    'evaluation/compare/curves': (url: string) => {
      const asked = new URL(url, 'http://h/').searchParams.getAll('run')
      return { name: 'val', runs: asked.map((run) => ({ run, step: 9, task: 'binary', labels: template.labels, curves: template.curves })), errors: [] }
    },
    evaluation: evalFixtures.binary,
  })
  return { host: bootApp(fetchImpl, '#p.tb_eval.dash=compare'), calls }
}

describe('Compare runs with 300 runs', () => {
  it('asks one table and the curves of the drawn runs only; the table draws visible rows only', async () => {
    const t = bigTable()
    const { host, calls } = start(t)
    await vi.waitFor(() => expect(host.querySelector('[data-testid="virtual-rows"]')?.getAttribute('data-rows')).toBe(String(N)))
    await vi.waitFor(() => expect(calls.some((c) => c.startsWith('evaluation/compare/curves'))).toBe(true))
    expect(calls.filter((c) => c.startsWith('evaluation/compare?'))).toEqual([])
    const curveCalls = calls.filter((c) => c.startsWith('evaluation/compare/curves'))
    const asked = new URLSearchParams(curveCalls[curveCalls.length - 1].split('?')[1]).getAll('run')
    expect(asked).toEqual(defaultDrawn(tableRuns(t), t.sweep))
    expect(host.querySelectorAll('tr[data-row]').length).toBeLessThan(40)
    // sorted by the sweep metric, best first, and marked
    const first = host.querySelector('tr[data-row]')!
    expect(first.getAttribute('data-row')).toBe(t.sweep!.best)
    expect(first.getAttribute('data-best')).toContain('accuracy')
    expect(host.querySelector('[data-testid="compare-best"]')!.textContent).toContain(t.sweep!.best!)
    // at most MAX_DRAWN: an undrawn run's box is disabled until one is cleared
    const boxes = () => [...host.querySelectorAll<HTMLInputElement>('input[aria-label^="draw "]')]
    const off = boxes().find((b) => !b.checked)!
    expect(off.disabled).toBe(true)
    const on = boxes().find((b) => b.checked)!
    on.click()
    await vi.waitFor(() => expect(boxes().find((b) => b.getAttribute('aria-label') === off.getAttribute('aria-label'))!.disabled).toBe(false))
    const offRun = off.getAttribute('aria-label')!.slice('draw '.length)
    boxes().find((b) => b.getAttribute('aria-label') === `draw ${offRun}`)!.click()
    await vi.waitFor(() => {
      const last = calls.filter((c) => c.startsWith('evaluation/compare/curves')).pop()!
      expect(new URLSearchParams(last.split('?')[1]).getAll('run')).toContain(offRun)
    })
  })

  it('without a sweep, sorting by a metric marks its best run', async () => {
    const t = bigTable(N, false)
    const { host } = start(t)
    await vi.waitFor(() => expect(host.querySelector('[data-testid="virtual-rows"]')).not.toBeNull())
    const header = [...host.querySelectorAll<HTMLButtonElement>('th button')].find((b) => b.textContent?.startsWith('roc_auc'))!
    header.click() // ascending: the best AUC is the last row, named above the table (not drawn)
    await vi.waitFor(() => expect(host.querySelector('[data-testid="compare-best"]')!.textContent).toContain(t.runs[N - 1].run))
    expect(host.querySelector('tr[data-best]')).toBeNull()
    header.click() // descending: the best AUC on top
    await vi.waitFor(() => expect(host.querySelector('tr[data-row]')!.getAttribute('data-row')).toBe(t.runs[N - 1].run))
    expect(host.querySelector('tr[data-row]')!.getAttribute('data-best')).toBe('roc_auc')
  })
})

describe('Compare runs in an offline report', () => {
  it('falls back to evaluation/compare of the chosen runs when the report has no table', async () => {
    const calls: string[] = []
    const answers: Record<string, unknown> = {
      runs: { runs: evalFixtures.compare.runs.map((r) => ({ run: r.run, name: r.run, experiment: 'sweep', status: 'success', params: r.params, tags: {}, files: [] })) },
      tables: { tables: [], lists: [] },
      evaluations: { evaluations: evalFixtures.compare.runs.map((r) => ({ run: r.run, name: 'val', task: 'binary', steps: [r.step], max_step: r.step })), importances: [], confusions: [] },
      'evaluation/compare': evalFixtures.compare,
      evaluation: evalFixtures.binary,
    }
    const fetchImpl = async (url: string) => {
      calls.push(url)
      const path = url.split('?')[0]
      if (path in answers) return new Response(JSON.stringify(answers[path]), { status: 200 })
      return new Response(JSON.stringify({ error: 'Not in this offline report: evaluation/compare/table of val.' }), { status: 404 })
    }
    const host = bootApp(fetchImpl, '#p.tb_eval.dash=compare')
    await vi.waitFor(() => expect(host.querySelector('[data-testid="virtual-rows"]')?.getAttribute('data-rows')).toBe('3'))
    await vi.waitFor(() => expect(host.querySelector('[data-testid="compare-roc"]')).not.toBeNull())
    expect(calls.some((c) => c.startsWith('evaluation/compare?'))).toBe(true)
    expect(calls.some((c) => c.startsWith('evaluation/compare/curves'))).toBe(false)
    expect(host.querySelector('.tbe-error, [role="alert"]')?.textContent ?? '').not.toContain('offline')
  })
})
