import { signal } from '@preact/signals'
import { type ComponentType, render } from 'preact'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Api } from '../../api/client'
import type { Shell } from '../../app/store'
import { defineDashboard } from './define'

afterEach(() => {
  document.body.innerHTML = ''
})

const api = {} as Api
const shell = { dark: signal(false) } as unknown as Shell

function mount(View: ComponentType) {
  const host = document.createElement('div')
  document.body.appendChild(host)
  render(<View />, host)
  return host
}

describe('defineDashboard', () => {
  it('creates the state once and hands it to the view and the sidebar, its hooks to the shell', () => {
    const start = vi.fn(() => () => {})
    const restore = vi.fn()
    const urlData = vi.fn(() => ({ k: 'v' }))
    const factory = vi.fn((a: Api, s: Shell) => ({ label: signal('hello <b>'), a, s, start, restore, urlData }))
    const definition = defineDashboard({
      id: 'demo',
      title: 'Demo',
      state: factory,
      View: ({ state, shell: sh }) => <p data-testid="view">{`${state.label.value} ${sh === shell && state.a === api}`}</p>,
      Sidebar: ({ state }) => <nav>{state.label.value}</nav>,
    })
    expect(definition.id).toBe('demo')
    expect(definition.title).toBe('Demo')
    const instance = definition.create({ api, shell })
    expect(factory).toHaveBeenCalledTimes(1)
    expect(factory).toHaveBeenCalledWith(api, shell)
    expect(mount(instance.View).textContent).toBe('hello <b> true')
    expect(mount(instance.Sidebar!).querySelector('nav')!.textContent).toBe('hello <b>')
    expect(document.querySelector('b')).toBeNull()
    expect(instance.start).toBe(start)
    expect(instance.restore).toBe(restore)
    expect(instance.urlData!()).toEqual({ k: 'v' })
    expect(factory).toHaveBeenCalledTimes(1)
    // each create() makes its own state
    definition.create({ api, shell })
    expect(factory).toHaveBeenCalledTimes(2)
  })

  it('leaves out what the dashboard does not have', () => {
    const definition = defineDashboard({ id: 'plain', title: 'Plain', View: ({ shell: sh }) => <p>{String(sh.dark.value)}</p> })
    const instance = definition.create({ api, shell })
    expect(Object.keys(instance)).toEqual(['View'])
    expect(mount(instance.View).textContent).toBe('false')
  })
})
