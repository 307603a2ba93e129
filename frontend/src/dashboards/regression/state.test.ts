import { computed, signal } from '@preact/signals'
import { describe, expect, it } from 'vitest'
import type { Api } from '../../api/client'
import type { EvaluationsResponse, RegressionBinsResponse } from '../../api/evalTypes'
import type { Shell } from '../../app/store'
import { createRegressionState } from './state'

const shell = { selectedRuns: computed(() => ['azure']), refreshTick: signal(0), reportError: () => {} } as unknown as Shell
const listing: EvaluationsResponse = { evaluations: [], importances: [], confusions: [], regression_bins: [{ run: 'azure', name: 'binned', steps: [0, 1] }] }
const body: RegressionBinsResponse = { run: 'azure', name: 'binned', step: 1, steps: [0, 1], schema: 'predictions', bin_edges: [0, 0.5, 1], bin_averages: [0.25, 0.75], bin_errors: [0.01, 0.04], bin_counts: [56, 34] }

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('Regression state with logged regression bins', () => {
  it('opens the first logged document when no evaluation is listed, and loads it', async () => {
    const asked: unknown[][] = []
    const api = {
      evaluations: async () => listing,
      regressionBins: async (...args: unknown[]) => {
        asked.push(args.slice(0, 3))
        return body
      },
    } as unknown as Api
    const s = createRegressionState(api, shell)
    const stop = s.start()
    await settle()
    await settle()
    expect(s.doc.value).toEqual({ run: 'azure', name: 'binned', step: null })
    expect(asked).toEqual([['azure', 'binned', null]])
    expect(s.docData.value).toEqual(body)
    expect(s.urlData()).toEqual({ reg_bins: JSON.stringify(['azure', 'binned', null]) })
    s.openDoc('azure', 'binned', 0)
    await settle()
    expect(asked.at(-1)).toEqual(['azure', 'binned', 0])
    stop()
  })

  it('restores the open document from the URL and ignores a malformed one', () => {
    const s = createRegressionState({} as Api, shell)
    s.restore({ reg_bins: JSON.stringify(['azure', 'res', 2]) })
    expect(s.doc.value).toEqual({ run: 'azure', name: 'res', step: 2 })
    const t = createRegressionState({} as Api, shell)
    t.restore({ reg_bins: '{not json' })
    expect(t.doc.value).toBeNull()
  })
})
