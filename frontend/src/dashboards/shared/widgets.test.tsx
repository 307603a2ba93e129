import { describe, expect, it, vi } from 'vitest'
import { cleanPageAfterEach, mount } from '../../../test/dom'
import { PickMenu, Select } from './widgets'

cleanPageAfterEach()

const XSS = '<img src=x onerror=window.__xss=1>'

describe('Select and PickMenu', () => {
  it('Select shows the current choice and reports the picked value; labels are text', () => {
    const onChange = vi.fn()
    const host = mount(<Select label="Order" value="b" choices={[{ value: 'a', label: XSS }, { value: 'b', label: 'B' }]} onChange={onChange} small />)
    const select = host.querySelector<HTMLSelectElement>('select[aria-label="Order"]')!
    expect(select.className).toBe('tbe-select tbe-small-select')
    expect(select.value).toBe('b')
    expect([...select.options].map((o) => o.textContent)).toEqual([XSS, 'B'])
    expect(host.querySelector('img')).toBeNull()
    select.value = 'a'
    select.dispatchEvent(new Event('change', { bubbles: true }))
    expect(onChange).toHaveBeenCalledWith('a')
  })

  it('PickMenu shows its prompt, reports a pick and shows the prompt again', () => {
    const onPick = vi.fn()
    const host = mount(<PickMenu label="Add" prompt="metrics (1)…" items={[{ value: 'x', label: '✓ x' }]} onPick={onPick} />)
    const select = host.querySelector<HTMLSelectElement>('select[aria-label="Add"]')!
    expect(select.options[0].textContent).toBe('metrics (1)…')
    select.value = 'x'
    select.dispatchEvent(new Event('change', { bubbles: true }))
    expect(onPick).toHaveBeenCalledWith('x')
    expect(select.value).toBe('')
  })
})
