import { describe, expect, it } from 'vitest'
import { classificationFromUrl, classificationToUrl, defaultClassificationState } from './url'

describe('classification URL state', () => {
  it('round-trips under its prefix and drops defaults', () => {
    const state = { ...defaultClassificationState(), run: 'a/b', name: 'val', step: 3, cls: 'cat', costFn: 5, norm: 'true' as const, hidden: ['x'] }
    const data = classificationToUrl(state, 0.42, 'reg_')
    expect(data).toEqual({ reg_run: 'a/b', reg_name: 'val', reg_step: '3', reg_class: 'cat', reg_t: '0.42', reg_cfn: '5', reg_norm: 'true', reg_hidden: '["x"]' })
    const back = classificationFromUrl(data, 'reg_')
    expect(back.state).toEqual(state)
    expect(back.threshold).toBe(0.42)
    expect(classificationToUrl(defaultClassificationState(), null)).toEqual({})
  })

  it('ignores malformed values and other prefixes', () => {
    const back = classificationFromUrl({ cls_step: 'x', cls_norm: 'bad', cls_cfp: '-1', cls_hidden: '{', cls_t: 'nan', reg_run: 'r' })
    expect(back.state).toEqual(defaultClassificationState())
    expect(back.threshold).toBeNull()
  })
})
