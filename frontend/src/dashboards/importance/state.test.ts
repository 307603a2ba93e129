import { computed, signal } from '@preact/signals'
import { describe, expect, it } from 'vitest'
import type { Api } from '../../api/client'
import type { Shell } from '../../app/store'
import { createImportanceState } from './state'

const shell = { selectedRuns: computed(() => []), refreshTick: signal(0) } as unknown as Shell

describe('Feature importance URL state', () => {
  it('round-trips its "imp_" keys and drops defaults and bad values', () => {
    const s = createImportanceState({} as Api, shell)
    const data = { imp_run: 'a/b', imp_name: 'fi', imp_step: '3', imp_class: 'cat', imp_k: '50' }
    s.restore(data)
    expect(s.view.value).toEqual({ run: 'a/b', name: 'fi', step: 3, cls: 'cat', topK: 50 })
    expect(s.urlData()).toEqual(data)
    s.restore({ imp_step: 'x', imp_k: '7', cls_run: 'r' })
    expect(s.view.value).toEqual({ run: null, name: null, step: null, cls: null, topK: 20 })
    expect(s.urlData()).toEqual({})
  })
})
