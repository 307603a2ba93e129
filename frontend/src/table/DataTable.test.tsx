import { render } from 'preact'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fixtures, XSS } from '../../test/fixtures'
import { DataTable, type DataTableProps } from './DataTable'

function mount(overrides: Partial<DataTableProps> = {}) {
  const page = fixtures.tablePage
  const props: DataTableProps = {
    columns: page.columns,
    rows: page.rows,
    offset: 0,
    rowCount: page.filtered_rows,
    pageIndex: 0,
    pageSize: 5,
    sort: null,
    order: 'asc',
    summaries: Object.fromEntries(fixtures.summary.columns.map((c) => [c.name, c])),
    filters: {},
    onSort: vi.fn(),
    onFilter: vi.fn(),
    ...overrides,
  }
  const host = document.createElement('div')
  document.body.appendChild(host)
  render(<DataTable {...props} />, host)
  return { host, props }
}

afterEach(() => {
  document.body.innerHTML = ''
  delete (window as { __xss?: unknown }).__xss
})

describe('DataTable', () => {
  it('renders a logged HTML string as literal text and runs nothing', async () => {
    const { host } = mount()
    const cells = [...host.querySelectorAll('tbody td')]
    const cell = cells.find((td) => td.textContent === XSS)
    expect(cell).toBeDefined()
    expect(cell!.children).toHaveLength(0)
    expect(host.querySelector('tbody img')).toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect((window as { __xss?: unknown }).__xss).toBeUndefined()
  })

  it('renders headers, row numbers, typed and missing cells', () => {
    const { host } = mount({ offset: 100 })
    const names = [...host.querySelectorAll('thead .tbe-colname')].map((e) => e.textContent)
    expect(names).toEqual(['epoch', 'loss', 'accuracy', 'converged', 'note'])
    const first = [...host.querySelectorAll('tbody tr')][0]
    expect([...first.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['101', '1', '1', '0.5', 'false', 'epoch 1'])
    expect(host.querySelector('td.tbe-num')).not.toBeNull()
  })

  it('sorts from the header button: asc, then desc, then none', () => {
    const onSort = vi.fn()
    const { host } = mount({ onSort })
    const button = host.querySelectorAll<HTMLButtonElement>('thead .tbe-sort')[1]
    button.click()
    expect(onSort).toHaveBeenLastCalledWith('loss', 'asc')
    render(null, host)
    const asc = mount({ onSort, sort: 'loss', order: 'asc' })
    expect(asc.host.querySelectorAll('thead th')[2].getAttribute('aria-sort')).toBe('ascending')
    asc.host.querySelectorAll<HTMLButtonElement>('thead .tbe-sort')[1].click()
    expect(onSort).toHaveBeenLastCalledWith('loss', 'desc')
    const desc = mount({ onSort, sort: 'loss', order: 'desc' })
    desc.host.querySelectorAll<HTMLButtonElement>('thead .tbe-sort')[1].click()
    expect(onSort).toHaveBeenLastCalledWith(null, 'asc')
  })

  it('headers are buttons, so Enter and Space sort from the keyboard', () => {
    const { host } = mount()
    const buttons = host.querySelectorAll('thead .tbe-sort')
    expect(buttons).toHaveLength(5)
    for (const b of buttons) expect(b.tagName).toBe('BUTTON')
  })

  it('shows the summary with an SVG histogram per numeric column', () => {
    const { host } = mount()
    const svgs = host.querySelectorAll('thead svg.tbe-hist')
    expect(svgs).toHaveLength(3) // epoch, loss, accuracy
    expect(svgs[0].querySelectorAll('rect')).toHaveLength(fixtures.summary.columns[0].histogram!.counts.length)
    const summaryText = host.querySelector('tr.tbe-head-summary')!.textContent!
    expect(summaryText).toContain('missing')
    expect(summaryText).toContain('true10')
    // top value of the string column is also text, even when it is markup
    expect(host.querySelector('tr.tbe-head-summary img')).toBeNull()
  })

  it('commits a range filter after a pause and a text filter on Enter', async () => {
    const onFilter = vi.fn()
    const { host } = mount({ onFilter })
    const min = host.querySelector<HTMLInputElement>('input[aria-label="loss minimum"]')!
    min.value = '0.25'
    min.dispatchEvent(new Event('input', { bubbles: true }))
    expect(onFilter).not.toHaveBeenCalled()
    await vi.waitFor(() => expect(onFilter).toHaveBeenCalledWith('loss', { min: 0.25 }), { timeout: 2000 })
    const text = host.querySelector<HTMLInputElement>('input[aria-label="note contains"]')!
    text.value = '<img'
    text.dispatchEvent(new Event('input', { bubbles: true }))
    await new Promise((resolve) => setTimeout(resolve, 0))
    text.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
    expect(onFilter).toHaveBeenLastCalledWith('note', { q: '<img' })
  })
})
