import { describe, expect, it, vi } from 'vitest'
import { bootApp, cleanPageAfterEach } from '../../test/dom'
import { fakeFetch, fixtures, XSS } from '../../test/fixtures'
import { readPluginData } from '../model/hash'

// ECharts needs a real canvas; the chart host is covered by the end-to-end tests.
vi.mock('../charts/LineChart', () => ({
  LineChart: ({ label }: { label: string }) => <div class="tbe-chart" data-label={label} />,
}))

function routes() {
  return fakeFetch({
    runs: fixtures.runs,
    tables: fixtures.tables,
    table: (url: string) => {
      const params = new URL(url, 'http://h/').searchParams
      if (params.getAll('run').length > 1) return fixtures.stackedPage
      return params.get('source') === 'rows' ? fixtures.rowsPage : fixtures.tablePage
    },
    'table/summary': fixtures.summary,
    list: fixtures.list,
  })
}

cleanPageAfterEach()

async function start(hash = '') {
  const { fetchImpl, calls } = routes()
  return { host: bootApp(fetchImpl, hash), calls }
}

describe('the app', () => {
  it('opens the first table of the chosen runs, stacked with a run column', async () => {
    const { host, calls } = await start()
    await vi.waitFor(() => expect(host.querySelectorAll('tbody tr').length).toBeGreaterThan(0))
    expect(host.querySelector('.tbe-tab')!.textContent).toBe('Tables')
    expect([...host.querySelectorAll('.tbe-check span:last-child')].map((e) => e.textContent)).toEqual(['alpha', 'beta'])
    expect(host.querySelector('.tbe-title')!.textContent).toBe('metrics')
    expect(host.querySelectorAll('thead .tbe-colname')[0].textContent).toBe('run')
    expect(calls.some((c) => c.startsWith('table?run=alpha&run=beta&name=metrics'))).toBe(true)
    const csv = host.querySelector<HTMLAnchorElement>('a[download]')!
    expect(csv.getAttribute('href')).toMatch(/^table\/csv\?run=alpha&run=beta&name=metrics&source=table$/)
    expect(csv.getAttribute('download')).toBe('metrics.csv')
  })

  it('shows a logged <img onerror> string as text, never as an element', async () => {
    const { host } = await start('#tb_eval&p.tb_eval.runs=%5B%22alpha%22%5D')
    await vi.waitFor(() => expect(host.querySelector('tbody')?.textContent).toContain(XSS))
    expect(host.querySelector('tbody img')).toBeNull()
    expect(document.querySelector('img')).toBeNull()
    expect((window as { __xss?: unknown }).__xss).toBeUndefined()
  })

  it('restores the view from the URL and writes changes back under p.tb_eval.', async () => {
    const hash =
      '#tb_eval&p.tb_eval.runs=%5B%22alpha%22%5D&p.tb_eval.table=metrics&p.tb_eval.source=table' +
      '&p.tb_eval.sort=loss&p.tb_eval.order=desc&p.tb_eval.q=epoch&p.tb_eval.page=2&p.tb_eval.size=25'
    const { host, calls } = await start(hash)
    await vi.waitFor(() => expect(calls.some((c) => c.startsWith('table?'))).toBe(true))
    const first = new URL(calls.find((c) => c.startsWith('table?'))!, 'http://h/').searchParams
    expect(first.getAll('run')).toEqual(['alpha'])
    expect([first.get('sort'), first.get('order'), first.get('q'), first.get('offset'), first.get('limit')]).toEqual([
      'loss',
      'desc',
      'epoch',
      '25',
      '25',
    ])
    await vi.waitFor(() => expect(host.querySelector('thead th[aria-sort="descending"]')).not.toBeNull())
    // Sorting another column goes back to page 1 and lands in the URL.
    host.querySelectorAll<HTMLButtonElement>('thead .tbe-sort')[0].click()
    await vi.waitFor(() => expect(readPluginData(location.hash).sort).toBe('epoch'))
    const data = readPluginData(location.hash)
    expect(data.page).toBeUndefined()
    expect(data.table).toBe('metrics')
    expect(JSON.parse(data.runs)).toEqual(['alpha'])
    expect(location.hash.startsWith('#tb_eval&')).toBe(true)
  })

  it('shows a server error in the banner as text', async () => {
    const host = bootApp(async (url) =>
      url === 'runs'
        ? new Response(JSON.stringify({ error: '<b>bad</b> logdir' }), { status: 500 })
        : new Response(JSON.stringify({ tables: [], lists: [] })),
    )
    await vi.waitFor(() => expect(host.querySelector('[role="alert"]')).not.toBeNull())
    expect(host.querySelector('[role="alert"]')!.textContent).toContain('<b>bad</b> logdir')
    expect(host.querySelector('[role="alert"] b')).toBeNull()
  })

  it('draws list series as a line chart', async () => {
    const { host } = await start('#tb_eval&p.tb_eval.table=scores&p.tb_eval.source=list')
    await vi.waitFor(() => expect(host.querySelector('.tbe-chart')).not.toBeNull())
    expect(host.querySelector('.tbe-title')!.textContent).toBe('scores')
    expect(host.querySelector('table')).toBeNull()
  })
})
