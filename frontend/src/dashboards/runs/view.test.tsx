import { signal } from '@preact/signals'
import { describe, expect, it } from 'vitest'
import { cleanPageAfterEach, mount } from '../../../test/dom'
import type { RunInfo } from '../../api/types'
import type { Shell } from '../../app/store'
import { RunsView } from './view'

const XSS_ERROR = 'run record: not valid JSON <img src=x onerror="window.__xss=1">'

function show(runs: (RunInfo & { error?: string | null })[]): HTMLElement {
  const shell = {
    runs: signal(runs),
    selectedRuns: signal(runs.map((r) => r.run)),
    loadingRuns: signal(false),
  } as unknown as Shell
  return mount(<RunsView shell={shell} />)
}

cleanPageAfterEach()

describe('Runs dashboard', () => {
  it("shows a run's unreadable record as text, and nothing for readable runs", () => {
    const host = show([
      { run: 'good', status: 'success', params: { lr: 0.1 }, error: null },
      { run: 'bad', status: 'unknown', params: {}, error: XSS_ERROR },
    ])
    const errors = [...host.querySelectorAll('[data-testid="run-error"]')]
    expect(errors.map((e) => e.textContent)).toEqual([XSS_ERROR])
    expect(errors[0].closest('tr')?.getAttribute('data-run')).toBe('bad')
    expect(host.querySelector('img')).toBeNull()
    expect((window as { __xss?: unknown }).__xss).toBeUndefined()
    expect(host.querySelector('tr[data-run="good"]')?.textContent).toContain('lr = 0.1')
  })
})
