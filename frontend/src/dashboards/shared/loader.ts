// An abortable loader: each call aborts the previous one; errors go to the shell's banner.
import type { Shell } from '../../app/store'

export function makeLoader(shell: Shell, what: string) {
  return function loader<T extends unknown[]>(run: (signal: AbortSignal, ...args: T) => Promise<void>) {
    let controller: AbortController | null = null
    return (...args: T) => {
      controller?.abort()
      const current = new AbortController()
      controller = current
      run(current.signal, ...args).catch((e) => {
        if (!current.signal.aborted) shell.reportError(what, e)
      })
      return () => current.abort()
    }
  }
}
