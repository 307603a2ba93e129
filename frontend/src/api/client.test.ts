import { describe, expect, it } from 'vitest'
import { fakeFetch, fixtures } from '../../test/fixtures'
import { emptyQuery } from '../model/query'
import { ApiError, createApi } from './client'

describe('API client', () => {
  it('asks relative URLs and returns the JSON', async () => {
    const { fetchImpl, calls } = fakeFetch({ runs: fixtures.runs, table: fixtures.tablePage, list: fixtures.list })
    const api = createApi(fetchImpl)
    expect((await api.runs()).runs.map((r) => r.run)).toEqual(['alpha', 'beta'])
    const page = await api.tablePage({ ...emptyQuery(), runs: ['alpha'], name: 'metrics' })
    expect(page.columns.map((c) => c.type)).toEqual(['integer', 'number', 'number', 'bool', 'string'])
    await api.list('alpha', 'scores')
    expect(calls[0]).toBe('runs')
    expect(calls[1]).toMatch(/^table\?run=alpha&name=metrics&source=table&offset=0&limit=50$/)
    expect(calls[2]).toBe('list?run=alpha&name=scores')
  })

  it('reports the server error message from {"error": ...} and plain text', async () => {
    const api = createApi(async () => new Response(JSON.stringify({ error: "no table 'x'" }), { status: 404 }))
    await expect(api.tables()).rejects.toThrow("tables: HTTP 404 — no table 'x'")
    const plain = createApi(async () => new Response('boom', { status: 500 }))
    const error = await plain.runs().catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(500)
    expect(error.message).toBe('runs: HTTP 500 — boom')
  })
})
