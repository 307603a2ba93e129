// useVirtualWindow with rows of measured heights (the run picker, the Runs table).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanPageAfterEach, mount } from '../../../test/dom'
import { OVERSCAN, useVirtualWindow } from './virtualRows'

function List({ keys }: { keys: string[] }) {
  const { box, onScroll, start, end, before, after } = useVirtualWindow<HTMLDivElement>(keys, { rowHeight: 20, viewport: 200, measure: true })
  return (
    <div ref={box} onScroll={onScroll} data-testid="list">
      <div data-spacer="top" style={{ height: `${before}px` }} />
      {keys.slice(start, end).map((k) => (
        <div key={k} data-vkey={k}>
          {k}
        </div>
      ))}
      <div data-spacer="bottom" style={{ height: `${after}px` }} />
    </div>
  )
}

cleanPageAfterEach()
afterEach(() => vi.restoreAllMocks())

describe('useVirtualWindow, measured rows', () => {
  it('keeps each drawn row measured height and places the window by it', async () => {
    // every drawn row is laid out 50 px high (the estimate is 20)
    const measured = new Set<string>()
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      if (this.dataset.vkey) measured.add(this.dataset.vkey)
      return { height: this.dataset.vkey ? 50 : 0 } as DOMRect
    })
    const keys = Array.from({ length: 1000 }, (_, i) => `r${i}`)
    const host = mount(<List keys={keys} />)
    const drawn = () => [...host.querySelectorAll<HTMLElement>('[data-vkey]')].map((e) => e.dataset.vkey!)
    const spacer = (which: string) => Number.parseFloat(host.querySelector<HTMLElement>(`[data-spacer="${which}"]`)!.style.height)
    // first drawn by the estimate (10 rows of 20 in view: 17 drawn), then measured: 200 px show
    // 4 rows of 50; the 6 measured rows no longer drawn keep their 50 px in the spacer
    await vi.waitFor(() => expect(drawn().length).toBe(4 + 1 + OVERSCAN))
    expect(spacer('top')).toBe(0)
    expect(spacer('bottom')).toBe(6 * 50 + (1000 - 17) * 20)
    // scrolled to row 100 as laid out now (rows 0..16 are 50 px, the rest 20): the rows drawn
    // there are measured in turn, and the window settles where the learned heights put it
    const list = host.querySelector<HTMLElement>('[data-testid="list"]')!
    list.scrollTop = 17 * 50 + 83 * 20
    list.dispatchEvent(new Event('scroll'))
    await vi.waitFor(() => expect(drawn()).not.toContain('r0'))
    const height = (i: number) => (measured.has(`r${i}`) ? 50 : 20)
    const rowAtTop = () => {
      let top = 0
      let i = 0
      while (top + height(i) <= list.scrollTop) top += height(i++)
      return i
    }
    await vi.waitFor(() => expect(drawn()[0]).toBe(`r${rowAtTop() - OVERSCAN}`))
    const first = rowAtTop() - OVERSCAN
    expect(first).toBeGreaterThan(80)
    expect(drawn().length).toBeLessThan(20)
    let before = 0
    for (let i = 0; i < first; i++) before += height(i)
    expect(spacer('top')).toBe(before)
  })
})
