// Guest side of TensorBoard's "experimental" plugin IPC (components/experimental/plugin_util).
// Wire format: JSON {type, id, payload, error, isReply} over a MessagePort handed to the host with
// postMessage('experimental.bootstrap'). Every message from the host must be answered.

type Listener = (payload: unknown) => unknown

export interface HostIpc {
  send(type: string, payload?: unknown): Promise<unknown>
  listen(type: string, callback: Listener): void
}

interface Message {
  type: string
  id: number
  payload: unknown
  error: string | null
  isReply: boolean
}

export function connectHost(target: Window | null = window.parent !== window ? window.parent : null): HostIpc | null {
  if (!target) return null
  const channel = new MessageChannel()
  const port = channel.port1
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const listeners = new Map<string, Listener>()
  let nextId = 0

  port.onmessage = async ({ data }: MessageEvent) => {
    let message: Message
    try {
      message = JSON.parse(data as string) as Message
    } catch {
      return
    }
    if (message.isReply) {
      const pending = waiting.get(message.id)
      if (!pending) return
      waiting.delete(message.id)
      if (message.error) pending.reject(new Error(message.error))
      else pending.resolve(message.payload)
      return
    }
    let payload: unknown = null
    let error: string | null = null
    try {
      payload = (await listeners.get(message.type)?.(message.payload)) ?? null
    } catch (e) {
      error = String(e)
    }
    port.postMessage(JSON.stringify({ type: message.type, id: message.id, payload, error, isReply: true }))
  }
  try {
    target.postMessage('experimental.bootstrap', '*', [channel.port2])
  } catch {
    return null
  }
  return {
    send(type, payload = null) {
      return new Promise((resolve, reject) => {
        const id = nextId++
        waiting.set(id, { resolve, reject })
        port.postMessage(JSON.stringify({ type, id, payload, error: null, isReply: false }))
      })
    },
    listen(type, callback) {
      listeners.set(type, callback)
    },
  }
}
