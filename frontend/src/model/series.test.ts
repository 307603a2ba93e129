import { describe, expect, it } from 'vitest'
import { fixtures } from '../../test/fixtures'
import { buildCatalog, runsWithData } from './catalog'
import { chartColumns, listSeries, numericColumns, tableSeries } from './series'

describe('line chart series', () => {
  it('uses the first numeric column as x and the other numeric columns as y', () => {
    expect(chartColumns(fixtures.tablePage.columns, false)).toEqual({ x: 'epoch', ys: ['loss', 'accuracy'] })
    const plot = tableSeries(fixtures.tablePage, false)!
    expect(plot.xName).toBe('epoch')
    expect(plot.series.map((s) => s.name)).toEqual(['loss', 'accuracy'])
    expect(plot.series[0].points[0]).toEqual([1, 1.0])
  })

  it('draws log_row tables the same way', () => {
    const plot = tableSeries(fixtures.rowsPage, false)!
    expect(plot.xName).toBe('threshold')
    expect(plot.series).toHaveLength(2)
    expect(plot.series[0].points).toHaveLength(fixtures.rowsPage.rows.length)
  })

  it('splits stacked runs by the leading run column and skips missing values', () => {
    const page = fixtures.stackedPage
    expect(numericColumns(page.columns, true).map((c) => c.name)).toEqual(['epoch', 'loss'])
    const plot = tableSeries(page, true)!
    expect(plot.series.map((s) => s.name)).toEqual(['alpha', 'beta'])
    expect(plot.series[1].points).toEqual([[1, 1.0]])
  })

  it('draws nothing with fewer than two numeric columns', () => {
    expect(chartColumns([{ name: 'a', type: 'integer' }, { name: 'b', type: 'string' }], false)).toBeNull()
  })

  it('turns log_list calls into curves over the index', () => {
    const plot = listSeries([fixtures.list])
    expect(plot.series).toHaveLength(1)
    expect(plot.series[0].points.map((p) => p[0])).toEqual([0, 1, 2, 3, 4])
    const two = listSeries([
      { run: 'a', name: 's', calls: [{ step: 0, values: [1, null, 3] }, { step: 1, values: [2] }] },
      { run: 'b', name: 's', calls: [{ step: 0, values: [5] }] },
    ])
    expect(two.series.map((s) => s.name)).toEqual(['a · step 0', 'a · step 1', 'b'])
    expect(two.series[0].points).toEqual([
      [0, 1],
      [2, 3],
    ])
  })
})

describe('catalog', () => {
  it('merges a table name over runs and keeps tables, rows and lists apart', () => {
    const items = buildCatalog(fixtures.tables, ['alpha', 'beta'])
    expect(items.map((i) => `${i.kind}:${i.name}:${i.runs.join('+')}`)).toEqual([
      'table:metrics:alpha+beta',
      'table:pr:alpha',
      'list:scores:alpha',
    ])
    expect(buildCatalog(fixtures.tables, ['beta']).map((i) => i.name)).toEqual(['metrics'])
    expect(runsWithData(fixtures.tables)).toEqual(['alpha', 'beta'])
  })

  it("keeps a table's first non-empty description across runs", () => {
    const response = {
      tables: [
        { run: 'alpha', name: 't', source: 'table' as const, steps: [0], max_step: 0, description: '' },
        { run: 'beta', name: 't', source: 'table' as const, steps: [1], max_step: 1, description: 'held-out <b>scores</b>' },
        { run: 'beta', name: 'u', source: 'rows' as const, steps: [], max_step: 3 },
      ],
      lists: [],
    }
    const items = buildCatalog(response, ['alpha', 'beta'])
    expect(items.map((i) => (i.kind === 'table' ? i.description : null))).toEqual(['held-out <b>scores</b>', ''])
  })
})
