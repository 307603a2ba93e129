// Keeps view state in the URL of the TensorBoard page, so a view can be shared and survives a
// reload. The iframe is same-origin, so the parent's hash is writable; the keys carry the
// "p.tb_eval." prefix that TensorBoard's GetURLPluginData reads. When the parent cannot be reached
// (a standalone page, a cross-origin embed), the iframe's own hash is used instead.
import { readPluginData, writePluginData } from '../model/hash'

function hostWindow(): Window {
  try {
    if (window.parent !== window && window.parent.location.hash !== undefined) return window.parent
  } catch {
    // cross-origin parent
  }
  return window
}

export function readUrlData(): Record<string, string> {
  try {
    return readPluginData(hostWindow().location.hash)
  } catch {
    return readPluginData(window.location.hash)
  }
}

export function writeUrlData(data: Record<string, string>): void {
  for (const target of [hostWindow(), window]) {
    try {
      const hash = writePluginData(target.location.hash, data)
      if (hash === target.location.hash) return
      // replaceState: no hashchange event, so the host does not re-route, and no history entry
      // per keystroke.
      target.history.replaceState(target.history.state, '', hash)
      return
    } catch {
      // try the next window
    }
  }
}
