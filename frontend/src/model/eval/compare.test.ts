import { describe, expect, it } from 'vitest'
import type { CompareRun } from '../../api/evalTypes'
import { groupByTask, pickTask, splitByTask } from './compare'

describe('compare: runs grouped by task', () => {
  const entries = [
    { run: 'bin', task: 'binary' as const },
    { run: 'mc', task: 'multiclass' as const },
    { run: 'sweep/t0', task: 'binary' as const },
    { run: 'odd', task: null },
  ]

  it('puts the task of most runs first, ties in run order, unknown tasks apart', () => {
    expect(groupByTask(entries)).toEqual([
      { task: 'binary', runs: ['bin', 'sweep/t0'] },
      { task: 'multiclass', runs: ['mc'] },
      { task: 'unknown', runs: ['odd'] },
    ])
    expect(groupByTask([{ run: 'a', task: 'regression' }, { run: 'b', task: 'binary' }]).map((g) => g.task)).toEqual(['regression', 'binary'])
    expect(groupByTask([])).toEqual([])
  })

  it('keeps a wanted task when some chosen run has it, else the largest group', () => {
    const groups = groupByTask(entries)
    expect(pickTask(groups, 'multiclass')!.task).toBe('multiclass')
    expect(pickTask(groups, 'regression')!.task).toBe('binary')
    expect(pickTask(groups, null)!.runs).toEqual(['bin', 'sweep/t0'])
    expect(pickTask([], null)).toBeNull()
  })

  it('drops compared reports of another task (an older step may differ from the listing)', () => {
    const run = (name: string, task: CompareRun['task']) => ({ run: name, task }) as CompareRun
    const { shown, other } = splitByTask([run('a', 'binary'), run('b', 'multiclass')], 'binary')
    expect(shown.map((r) => r.run)).toEqual(['a'])
    expect(other.map((r) => r.run)).toEqual(['b'])
    expect(splitByTask([run('a', 'binary')], 'unknown').shown).toHaveLength(1)
  })
})
