import { describe, expect, it } from 'vitest'
import { connectHost } from './ipc'

/** A stand-in for TensorBoard's host side: takes the bootstrap port and speaks the JSON protocol. */
function fakeHost() {
  let port: MessagePort | null = null
  const received: Record<string, unknown>[] = []
  const target = {
    postMessage(message: unknown, _origin: string, transfer: MessagePort[]) {
      expect(message).toBe('experimental.bootstrap')
      port = transfer[0]
      port.onmessage = ({ data }) => {
        const m = JSON.parse(data as string)
        received.push(m)
        if (!m.isReply && m.type === 'experimental.GetRuns')
          port!.postMessage(JSON.stringify({ type: m.type, id: m.id, payload: ['train'], error: null, isReply: true }))
      }
    },
  } as unknown as Window
  return {
    target,
    received,
    broadcast(type: string, payload: unknown, id = 7) {
      port!.postMessage(JSON.stringify({ type, id, payload, error: null, isReply: false }))
    },
  }
}

describe('host IPC', () => {
  it('bootstraps, sends requests and resolves replies', async () => {
    const host = fakeHost()
    const ipc = connectHost(host.target)!
    expect(await ipc.send('experimental.GetRuns')).toEqual(['train'])
  })

  it('calls listeners for host broadcasts and answers them', async () => {
    const host = fakeHost()
    const ipc = connectHost(host.target)!
    let reloaded = 0
    ipc.listen('experimental.DataReloaded', () => {
      reloaded += 1
    })
    host.broadcast('experimental.DataReloaded', null, 41)
    await expect.poll(() => reloaded).toBe(1)
    await expect.poll(() => host.received.find((m) => m.isReply && m.id === 41)).toMatchObject({
      type: 'experimental.DataReloaded',
      isReply: true,
      error: null,
    })
  })

  it('does nothing outside an iframe', () => {
    expect(connectHost(null)).toBeNull()
  })
})
