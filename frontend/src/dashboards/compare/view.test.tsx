import { render } from 'preact'
import { afterEach, describe, expect, it } from 'vitest'
import { UnreadRuns } from './notices'

function show(errors: { run: string; error: string }[] | undefined): HTMLElement {
  const host = document.createElement('div')
  document.body.appendChild(host)
  render(<UnreadRuns errors={errors} />, host)
  return host
}

afterEach(() => {
  document.body.innerHTML = ''
  delete (window as { __xss?: unknown }).__xss
})

describe('Compare runs: runs the server could not read', () => {
  it('names each unreadable run and why, as text', () => {
    const hostile = 'cannot read tb_eval data: <img src=x onerror="window.__xss=1">'
    const host = show([
      { run: 'exp/a"b', error: hostile },
      { run: 'exp/c', error: 'cannot read tb_eval data: bad blob' },
    ])
    const notice = host.querySelector('[data-testid="compare-errors"]')
    expect(notice?.textContent).toContain('Could not read 2 runs')
    expect([...host.querySelectorAll('[data-unread-run]')].map((e) => e.getAttribute('data-unread-run'))).toEqual(['exp/a"b', 'exp/c'])
    expect(notice?.textContent).toContain(hostile)
    expect(host.querySelector('img')).toBeNull()
    expect((window as { __xss?: unknown }).__xss).toBeUndefined()
  })

  it('shows nothing when every run was read', () => {
    expect(show([]).innerHTML).toBe('')
    expect(show(undefined).innerHTML).toBe('')
  })
})
