// 1,000 runs: the run picker and the Runs table draw only a window of rows, follow the scroll,
// and choosing runs (picker boxes, All/None, the filter) still drives the table.
import { describe, expect, it, vi } from 'vitest'
import { bootApp, cleanPageAfterEach } from '../../../test/dom'
import { fakeFetch } from '../../../test/fixtures'
import { PICKER_ROW } from '../../app/RunPicker'
import { RUNS_ROW } from './view'

const N = 1000
const name = (i: number) => `sweep/t${String(i).padStart(4, '0')}`

function start() {
  const runs = Array.from({ length: N }, (_, i) => ({
    run: name(i),
    name: name(i),
    experiment: 'sweep',
    status: i % 10 === 3 ? 'failure' : 'success',
    params: { lr: i / N, optimizer: ['adam', 'sgd'][i % 2] },
    tags: {},
    files: [],
  }))
  const { fetchImpl } = fakeFetch({ runs: { runs }, tables: { tables: [], lists: [] }, evaluations: { evaluations: [], importances: [], confusions: [] } })
  return bootApp(fetchImpl, '#p.tb_eval.dash=runs')
}

const picker = (host: HTMLElement) => host.querySelector<HTMLElement>('[data-testid="run-picker"]')!
const pickerRuns = (host: HTMLElement) => [...picker(host).querySelectorAll<HTMLElement>('label[data-vkey]')].map((l) => l.dataset.vkey!)
const tableBox = (host: HTMLElement) => host.querySelector<HTMLElement>('[data-testid="runs-table"]')!.parentElement!
const tableRuns = (host: HTMLElement) => [...host.querySelectorAll<HTMLElement>('[data-testid="runs-table"] tr[data-run]')].map((r) => r.dataset.run!)
const title = (host: HTMLElement) => host.querySelector('section[aria-label="Runs"] h2')!.textContent

function scroll(el: HTMLElement, top: number) {
  el.scrollTop = top
  el.dispatchEvent(new Event('scroll'))
}

cleanPageAfterEach()

describe('1,000 runs', () => {
  it('the run picker draws a window of runs, follows the scroll and still chooses runs', async () => {
    const host = start()
    await vi.waitFor(() => expect(picker(host)?.getAttribute('data-rows')).toBe(String(N)))
    expect(title(host)).toBe(`Runs (${N}/${N})`)
    expect(pickerRuns(host).length).toBeLessThan(50)
    expect(pickerRuns(host)[0]).toBe(name(0))
    expect(picker(host).querySelector<HTMLElement>('[data-spacer="bottom"]')!.style.height).not.toBe('')

    scroll(picker(host), 700 * PICKER_ROW)
    await vi.waitFor(() => expect(pickerRuns(host)).toContain(name(700)))
    expect(pickerRuns(host)).not.toContain(name(0))
    expect(pickerRuns(host).length).toBeLessThan(50)

    // unticking a run far down the list removes it from the selection and the table
    const box = picker(host).querySelector<HTMLInputElement>(`label[data-vkey="${name(700)}"] input`)!
    expect(box.checked).toBe(true)
    box.click()
    await vi.waitFor(() => expect(title(host)).toBe(`Runs (${N - 1}/${N})`))
    expect(picker(host).querySelector<HTMLInputElement>(`label[data-vkey="${name(700)}"] input`)!.checked).toBe(false)
    await vi.waitFor(() => expect(tableBox(host).querySelector('table')!.getAttribute('data-rows')).toBe(String(N - 1)))

    // the filter narrows the list and brings its view back to the top
    const filter = host.querySelector<HTMLInputElement>('input[aria-label="Filter runs"]')!
    filter.value = 't09'
    filter.dispatchEvent(new Event('input'))
    await vi.waitFor(() => expect(picker(host).getAttribute('data-rows')).toBe('100'))
    await vi.waitFor(() => expect(pickerRuns(host)[0]).toBe(name(900)))
    expect(pickerRuns(host).every((r) => r.includes('t09'))).toBe(true)

    // None, then one run ticked: the table shows exactly that run
    ;[...host.querySelectorAll<HTMLButtonElement>('.tbe-runs-actions button')].find((b) => b.textContent === 'None')!.click()
    await vi.waitFor(() => expect(title(host)).toBe(`Runs (0/${N})`))
    picker(host).querySelector<HTMLInputElement>(`label[data-vkey="${name(905)}"] input`)!.click()
    await vi.waitFor(() => expect(tableRuns(host)).toEqual([name(905)]))
  })

  it('the Runs table draws a window of rows and follows the scroll', async () => {
    const host = start()
    await vi.waitFor(() => expect(host.querySelector('[data-testid="runs-table"]')?.getAttribute('data-rows')).toBe(String(N)))
    expect(tableRuns(host).length).toBeLessThan(50)
    expect(tableRuns(host)[0]).toBe(name(0))
    expect(host.querySelector('[data-testid="runs-table"] tr[data-run] td')!.nextElementSibling!.textContent).toBe('success')

    scroll(tableBox(host), 500 * RUNS_ROW)
    await vi.waitFor(() => expect(tableRuns(host)).toContain(name(500)))
    expect(tableRuns(host)).not.toContain(name(0))
    expect(tableRuns(host).length).toBeLessThan(50)
    const row = host.querySelector<HTMLElement>(`[data-testid="runs-table"] tr[data-run="${name(503)}"]`)!
    expect(row.textContent).toContain('failure')
    expect(row.textContent).toContain('lr = 0.503')
    expect(row.getAttribute('aria-rowindex')).toBe('505')
    // the spacers keep the scroll range of all the rows
    const spacers = [...host.querySelectorAll<HTMLElement>('[data-testid="runs-table"] tr[data-spacer] td')].map((td) => Number.parseFloat(td.style.height))
    expect(spacers.reduce((a, b) => a + b, 0) + tableRuns(host).length * RUNS_ROW).toBe(N * RUNS_ROW)
  })
})
