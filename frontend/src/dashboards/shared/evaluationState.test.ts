import { computed, signal } from '@preact/signals'
import { describe, expect, it, vi } from 'vitest'
import { evalFixtures } from '../../../test/fixtures'
import type { Api } from '../../api/client'
import type { Shell } from '../../app/store'
import { createRegressionState } from '../regression/state'
import { createEvaluationState, type EvaluationView } from './evaluationState'
import { entryFromUrl, entryToUrl } from './view'

function fakes(selected: string[]) {
  const api = {
    evaluations: vi.fn(async () => evalFixtures.listing),
    evaluation: vi.fn(async () => evalFixtures.regression),
    trend: vi.fn(async () => evalFixtures.trend),
  } as unknown as Api
  const chosen = signal(selected)
  const shell = { selectedRuns: computed(() => chosen.value), refreshTick: signal(0), reportError: vi.fn() } as unknown as Shell
  return { api, shell }
}

describe('shared evaluation state', () => {
  it('lists the evaluations of its tasks in the chosen runs; open keeps what the dashboard keeps', () => {
    const { api, shell } = fakes(['bin', 'reg', 'reg_big'])
    const onOpen = vi.fn()
    const s = createEvaluationState<EvaluationView & { extra: number; kept: number }>(api, shell, { tasks: ['regression'], defaults: () => ({ run: null, name: null, step: null, extra: 1, kept: 1 }), keep: (v) => ({ kept: v.kept }), onOpen })
    s.listing.value = evalFixtures.listing
    expect(s.entries.value.map((e) => e.run)).toEqual(['reg', 'reg_big'])
    s.update({ extra: 5, kept: 7, step: 1 })
    s.open('reg', 'val')
    expect(onOpen).toHaveBeenCalledTimes(1)
    expect(s.view.value).toEqual({ run: 'reg', name: 'val', step: null, extra: 1, kept: 7 })
    expect(s.entry.value?.steps).toEqual([0, 1, 2])
    s.setStep(1)
    expect(s.view.value.step).toBe(1)
    s.setStep(2) // the newest step is written as null
    expect(s.view.value.step).toBeNull()
  })

  it('writes run, name and step under a prefix and reads them back', () => {
    const data = entryToUrl({ run: 'a/b', name: 'val', step: 3 }, 'reg_')
    expect(data).toEqual({ reg_run: 'a/b', reg_name: 'val', reg_step: '3' })
    expect(entryFromUrl(data, 'reg_')).toEqual({ run: 'a/b', name: 'val', step: 3 })
    expect(entryFromUrl({ reg_step: 'x', cls_run: 'r' }, 'reg_')).toEqual({ run: null, name: null, step: null })
    expect(entryToUrl({ run: null, name: null, step: null }, 'reg_')).toEqual({})
  })

  it('Regression: loads the listing, opens the first regression evaluation, loads its report and trend', async () => {
    const { api, shell } = fakes(['bin', 'reg'])
    const s = createRegressionState(api, shell)
    s.restore({ cls_run: 'bin' })
    const stop = s.start()
    await vi.waitFor(() => expect(s.report.value).not.toBeNull())
    expect(s.view.value).toEqual({ run: 'reg', name: 'val', step: null })
    expect(api.evaluation).toHaveBeenCalledWith('reg', 'val', null, expect.anything())
    await vi.waitFor(() => expect(s.trend.value).not.toBeNull())
    expect(s.urlData()).toEqual({ reg_run: 'reg', reg_name: 'val' })
    s.setStep(1)
    await vi.waitFor(() => expect(api.evaluation).toHaveBeenCalledWith('reg', 'val', 1, expect.anything()))
    stop()
  })
})
