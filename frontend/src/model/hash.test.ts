import { describe, expect, it } from 'vitest'
import { defaultTablesState, tablesFromUrl, tablesToUrl, type TablesUrlState } from '../dashboards/tables/url'
import { parseHash, readPluginData, writePluginData } from './hash'
import { shellFromUrl, shellToUrl } from './viewState'

describe('TensorBoard URL hash', () => {
  it('parses the tab and key=value pairs', () => {
    expect(parseHash('#tb_eval&p.tb_eval.table=m%20x&smoothing=0.6')).toEqual({
      tab: 'tb_eval',
      entries: [
        ['p.tb_eval.table', 'm x'],
        ['smoothing', '0.6'],
      ],
    })
    expect(parseHash('')).toEqual({ tab: null, entries: [] })
  })

  it('reads only our prefixed keys', () => {
    expect(readPluginData('#tb_eval&p.tb_eval.q=a%26b&p.other.q=no&x=1')).toEqual({ q: 'a&b' })
  })

  it('writes our keys, keeping the tab and other keys, and round-trips awkward text', () => {
    const data = { q: 'a&b=c #1 %', table: 'näme/x' }
    const hash = writePluginData('#tb_eval&smoothing=0.6&p.tb_eval.old=1', data)
    expect(hash.startsWith('#tb_eval&smoothing=0.6&')).toBe(true)
    expect(hash).not.toContain('old')
    expect(readPluginData(hash)).toEqual(data)
  })

  it('adds the tab when the hash is empty', () => {
    expect(writePluginData('', { a: '1' })).toBe('#tb_eval&p.tb_eval.a=1')
  })
})

describe('view state <-> URL keys', () => {
  it('round-trips the Tables state', () => {
    const state: TablesUrlState = {
      item: { kind: 'table', name: 'metrics', source: 'rows' },
      step: 4,
      sort: 'loss',
      order: 'desc',
      q: 'epoch',
      filters: { loss: { min: 0, max: 1 }, note: { q: '<b>' } },
      page: 3,
      pageSize: 100,
    }
    expect(tablesFromUrl(tablesToUrl(state))).toEqual(state)
    expect(tablesToUrl(state).page).toBe('4') // people read 1-based pages
  })

  it('writes nothing for the defaults', () => {
    expect(tablesToUrl(defaultTablesState())).toEqual({})
    expect(shellToUrl({ dashboard: 'tables', runs: null })).toEqual({})
  })

  it('round-trips list items and the shell keys', () => {
    const state = { ...defaultTablesState(), item: { kind: 'list' as const, name: 'scores' } }
    expect(tablesFromUrl(tablesToUrl(state)).item).toEqual({ kind: 'list', name: 'scores' })
    const shell = { dashboard: 'regression', runs: ['a,b', 'c'] }
    expect(shellFromUrl(shellToUrl(shell))).toEqual(shell)
  })

  it('falls back to defaults on malformed values', () => {
    const state = tablesFromUrl({ filter: '{not json', page: '-2', size: '33', step: 'x', order: 'sideways', sort: 'a' })
    expect(state.filters).toEqual({})
    expect(state.page).toBe(0)
    expect(state.pageSize).toBe(defaultTablesState().pageSize)
    expect(state.step).toBeNull()
    expect(state.order).toBe('asc')
    expect(shellFromUrl({ runs: '[1,2]' }).runs).toBeNull()
    expect(tablesFromUrl({ filter: '{"a":{"min":"1","q":5},"b":{"max":2}}' }).filters).toEqual({ b: { max: 2 } })
  })
})
