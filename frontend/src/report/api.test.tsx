import { afterEach, describe, expect, it, vi } from 'vitest'
import { evalFixtures } from '../../test/fixtures'
import { ApiError } from '../api/client'
import { boot } from '../app/boot'
import { createReportApi, requestKey } from './api'
import { reportBootOptions } from './boot'
import { readReportDocument, REPORT_DATA_ID, type ReportDocument, type ReportResponse } from './data'

// ECharts needs a real canvas; the charts are covered by tests/e2e/test_report.py.
vi.mock('../charts/EChart', () => ({ EChart: () => <div class="tbe-chart" /> }))

/** A report document as tb_eval/html_report.py writes it (parameter pairs in request order). */
function makeDoc(step: number | null = null): ReportDocument {
  const bodies: unknown[] = []
  const responses: ReportResponse[] = []
  const add = (path: string, params: [string, string][], body: unknown, status = 200) => {
    bodies.push(body)
    responses.push([path, params, status, bodies.length - 1])
  }
  add('runs', [], evalFixtures.runs)
  add('evaluations', [], evalFixtures.listing)
  const binaryParams: [string, string][] = step === null ? [['run', 'bin'], ['name', 'val']] : [['run', 'bin'], ['name', 'val'], ['step', String(step)]]
  add('evaluation', binaryParams, evalFixtures.binary)
  add('evaluation/thresholds', [['run', 'bin'], ['name', 'val'], ['step', '2'], ['points', '1000']], evalFixtures.thresholdsBinary)
  add('evaluation/thresholds', [['run', 'mc'], ['name', 'val'], ['step', '2'], ['points', '1000'], ['class', 'cat']], evalFixtures.thresholdsMc)
  add('evaluation/compare', [['run', 'sweep/t0'], ['run', 'sweep/t1'], ['run', 'sweep/t2'], ['name', 'val']], evalFixtures.compare)
  add('confusion', [['run', 'bin'], ['name', 'broken']], { error: 'cannot read tb_eval data: bad' }, 500)
  return { version: 1, title: 'T', logdir: 'runs', generated: '2026-01-02T03:04:05+00:00', step, maxClasses: 1, stepRoutes: ['evaluation', 'importance', 'confusion', 'evaluation/compare'], responses, bodies }
}

describe('report Api', () => {
  it('answers with the embedded bodies, whatever the parameter order', async () => {
    const api = createReportApi(makeDoc())
    expect(await api.runs()).toEqual(evalFixtures.runs)
    expect(await api.evaluations()).toEqual(evalFixtures.listing)
    expect(await api.evaluation('bin', 'val', null)).toEqual(evalFixtures.binary)
    // the frontend asks (run, name, step, class, points); the report stored (…, points, class)
    expect(await api.thresholds('mc', 'val', 2, 'cat', 1000)).toEqual(evalFixtures.thresholdsMc)
    expect(await api.thresholds('bin', 'val', 2, null, 1000)).toEqual(evalFixtures.thresholdsBinary)
    expect(requestKey('a', [['z', '1'], ['b', '2'], ['b', '1']])).toBe(JSON.stringify(['a', [['b', '2'], ['b', '1'], ['z', '1']]]))
  })

  it('says in words what it does not hold, and never fetches', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch')
    const api = createReportApi(makeDoc())
    await expect(api.evaluation('bin', 'val', 0)).rejects.toThrow('Not in this offline report: step 0 of bin: val (the report holds the newest step of each evaluation)')
    await expect(api.thresholds('mc', 'val', 2, 'dog', 1000)).rejects.toThrow('the threshold table of class "dog" of mc: val (the report holds those of the first 1 classes)')
    await expect(api.tables()).rejects.toThrow('Not in this offline report: the Tables dashboard')
    const error = await api.trend('bin', 'val').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).status).toBe(404)
    expect(fetchSpy).not.toHaveBeenCalled()
    fetchSpy.mockRestore()
  })

  it('passes on the error answers the plugin gave when the report was written', async () => {
    const api = createReportApi(makeDoc())
    await expect(api.confusion('bin', 'broken', null)).rejects.toThrow('confusion: HTTP 500 — cannot read tb_eval data: bad')
  })

  it('answers a compare of some of the compared runs with their entries, in the order asked', async () => {
    const api = createReportApi(makeDoc())
    const all = evalFixtures.compare.runs
    expect((await api.compare(['sweep/t0', 'sweep/t1', 'sweep/t2'], 'val', null)).runs).toEqual(all)
    const some = await api.compare(['sweep/t2', 'sweep/t0'], 'val', null)
    expect(some.name).toBe('val')
    expect(some.runs).toEqual([all[2], all[0]])
    await expect(api.compare(['sweep/t0', 'other'], 'val', null)).rejects.toThrow('Not in this offline report')
    // runs that could not be read (`errors`) are picked the same way
    const doc = makeDoc()
    const index = doc.responses.find(([path]) => path === 'evaluation/compare')![3]
    doc.bodies[index] = { ...evalFixtures.compare, runs: [all[0], all[2]], errors: [{ run: 'sweep/t1', error: 'cannot read tb_eval data: x' }] }
    const withErrors = createReportApi(doc)
    expect(await withErrors.compare(['sweep/t1', 'sweep/t0'], 'val', null)).toMatchObject({ runs: [all[0]], errors: [{ run: 'sweep/t1' }] })
    expect(await withErrors.compare(['sweep/t2'], 'val', null)).toMatchObject({ runs: [all[2]], errors: [] })
    await expect(api.compare(['sweep/t0'], 'val', 1)).rejects.toThrow('Not in this offline report')
  })

  it('gives the chosen step to requests that leave it out', async () => {
    const api = createReportApi(makeDoc(1))
    expect(await api.evaluation('bin', 'val', null)).toEqual(evalFixtures.binary)
    expect(await api.evaluation('bin', 'val', 1)).toEqual(evalFixtures.binary)
    await expect(api.evaluation('bin', 'val', 2)).rejects.toThrow('step 2 of bin: val (the report holds step 1)')
    // a compare request without step now means step 1: not the one stored without step
    await expect(api.compare(['sweep/t0'], 'val', null)).rejects.toThrow('Not in this offline report')
  })

  it('honours an aborted signal', async () => {
    const api = createReportApi(makeDoc())
    const controller = new AbortController()
    controller.abort()
    await expect(api.runs(controller.signal)).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('report page', () => {
  afterEach(() => {
    document.body.innerHTML = ''
    history.replaceState(null, '', '#')
  })

  it('reads the document from the page, and nothing on a plugin page', () => {
    expect(readReportDocument(document)).toBeNull()
    const element = document.createElement('script')
    element.type = 'application/json'
    element.id = REPORT_DATA_ID
    element.textContent = JSON.stringify(makeDoc())
    document.body.appendChild(element)
    expect(readReportDocument(document)?.title).toBe('T')
    element.textContent = JSON.stringify({ version: 99 })
    expect(() => readReportDocument(document)).toThrow('unknown format')
  })

  it('boots without a server: no Tables tab, no Refresh, a header that says what it is', async () => {
    const host = document.createElement('div')
    document.body.appendChild(host)
    const app = boot(host, reportBootOptions(makeDoc()))
    await vi.waitFor(() => expect(host.querySelector('[data-testid="runs-table"], .tbe-dashboard')).not.toBeNull())
    const tabs = [...host.querySelectorAll('[role="tab"]')].map((t) => t.textContent)
    expect(tabs).toEqual(['Classification', 'Regression', 'Feature importance', 'Compare runs', 'Runs'])
    expect(host.querySelector('[aria-selected="true"]')?.textContent).toBe('Classification')
    expect(host.querySelector('[data-testid="report-summary"]')?.textContent).toMatch(/^Offline report · runs · newest steps · written /)
    expect(host.querySelector('[data-testid="report-note"]')?.textContent).toContain('Not in the report')
    expect([...host.querySelectorAll('button')].some((b) => b.textContent?.includes('Refresh'))).toBe(false)
    // uploaded files are named, not linked (there is no server to download them from)
    ;(host.querySelectorAll('[role="tab"]')[4] as HTMLButtonElement).click()
    await vi.waitFor(() => expect(host.querySelector('[data-testid="runs-table"]')).not.toBeNull())
    const files = evalFixtures.runs.runs.flatMap((r) => r.files ?? [])
    expect(files.length).toBeGreaterThan(0)
    expect(host.querySelector('[data-testid="runs-table"] a')).toBeNull()
    expect(host.querySelector('[data-testid="runs-table"]')?.textContent).toContain(files[0].name)
    app.stop()
  })
})
