import { describe, expect, it } from 'vitest'
import {
  activeFilters,
  chartRowsUrl,
  csvFileName,
  csvUrl,
  emptyQuery,
  listUrl,
  pageCount,
  pageUrl,
  summaryUrl,
  type TableQuery,
} from './query'

const base: TableQuery = { ...emptyQuery(), runs: ['alpha'], name: 'metrics', source: 'table' }

function params(url: string) {
  return new URL(url, 'http://host/data/plugin/tb_eval/').searchParams
}

describe('plugin URLs', () => {
  it('are relative so the <base href> resolves them', () => {
    for (const url of [pageUrl(base), summaryUrl(base), csvUrl(base), listUrl('a', 'b')]) {
      expect(url.startsWith('/')).toBe(false)
      expect(url).not.toMatch(/^[a-z]+:/)
    }
    expect(new URL(pageUrl(base), 'http://h/data/plugin/tb_eval/').pathname).toBe('/data/plugin/tb_eval/table')
    expect(new URL(csvUrl(base), 'http://h/data/plugin/tb_eval/').pathname).toBe('/data/plugin/tb_eval/table/csv')
  })

  it('page URL carries selection, sort, search, filters and paging', () => {
    const q: TableQuery = {
      ...base,
      runs: ['alpha', 'beta & co'],
      step: 3,
      sort: 'loss',
      order: 'desc',
      q: 'epoch 1',
      filters: { loss: { min: 0.1, max: 0.5 }, note: { q: 'x' }, empty: { q: '' } },
      page: 2,
      pageSize: 25,
    }
    const p = params(pageUrl(q))
    expect(p.getAll('run')).toEqual(['alpha', 'beta & co'])
    expect(p.get('name')).toBe('metrics')
    expect(p.get('source')).toBe('table')
    expect(p.get('step')).toBe('3')
    expect(p.get('sort')).toBe('loss')
    expect(p.get('order')).toBe('desc')
    expect(p.get('q')).toBe('epoch 1')
    expect(JSON.parse(p.get('filter')!)).toEqual({ loss: { min: 0.1, max: 0.5 }, note: { q: 'x' } })
    expect(p.get('offset')).toBe('50')
    expect(p.get('limit')).toBe('25')
  })

  it('summary has the selection but no paging or sort; CSV keeps the sort but no paging', () => {
    const q = { ...base, sort: 'loss', page: 4 }
    const s = params(summaryUrl(q))
    expect(s.has('offset') || s.has('limit') || s.has('sort')).toBe(false)
    const c = params(csvUrl(q))
    expect(c.get('sort')).toBe('loss')
    expect(c.has('offset') || c.has('limit')).toBe(false)
    expect(c.has('step')).toBe(false)
  })

  it('chart rows are sorted by the x column from the first row', () => {
    const p = params(chartRowsUrl({ ...base, sort: 'note', order: 'desc', page: 3 }, 'epoch', 1000))
    expect([p.get('sort'), p.get('order'), p.get('offset'), p.get('limit')]).toEqual(['epoch', 'asc', '0', '1000'])
  })

  it('drops open or invalid filters', () => {
    expect(activeFilters({ a: { min: null, max: undefined }, b: { min: Number.NaN }, c: { max: 0 } })).toEqual({ c: { max: 0 } })
  })

  it('makes a safe CSV file name', () => {
    expect(csvFileName({ ...base, name: 'eval/val set' })).toBe('eval_val_set.csv')
    expect(csvFileName({ ...base, step: 7 })).toBe('metrics-step7.csv')
    expect(csvFileName({ ...base, name: '///' })).toBe('table.csv')
  })


  it('counts pages', () => {
    expect(pageCount(0, 50)).toBe(1)
    expect(pageCount(50, 50)).toBe(1)
    expect(pageCount(51, 50)).toBe(2)
  })
})
