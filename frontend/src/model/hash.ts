// TensorBoard's URL hash: "#<tab>&key=value&key=value" (tf_storage format). Plugin keys are
// stored as "p.<plugin>.<key>", which is what the host's GetURLPluginData hands to plugins.

export const PLUGIN_NAME = 'tb_eval'
export const PLUGIN_PREFIX = `p.${PLUGIN_NAME}.`

interface HashParts {
  tab: string | null
  entries: [string, string][]
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

export function parseHash(hash: string): HashParts {
  const body = hash.startsWith('#') ? hash.slice(1) : hash
  const parts: HashParts = { tab: null, entries: [] }
  for (const item of body.split('&')) {
    if (item === '') continue
    const eq = item.indexOf('=')
    if (eq < 0) {
      if (parts.tab === null) parts.tab = decode(item)
      continue
    }
    parts.entries.push([decode(item.slice(0, eq)), decode(item.slice(eq + 1))])
  }
  return parts
}

/** The plugin's keys (prefix removed) from a hash. */
export function readPluginData(hash: string, prefix = PLUGIN_PREFIX): Record<string, string> {
  const data: Record<string, string> = {}
  for (const [key, value] of parseHash(hash).entries) {
    if (key.startsWith(prefix)) data[key.slice(prefix.length)] = value
  }
  return data
}

/** ``hash`` with the plugin's keys replaced by ``data``; the tab and other keys are kept. */
export function writePluginData(
  hash: string,
  data: Record<string, string>,
  prefix = PLUGIN_PREFIX,
  defaultTab = PLUGIN_NAME,
): string {
  const parts = parseHash(hash)
  const items: string[] = [encodeURIComponent(parts.tab ?? defaultTab)]
  for (const [key, value] of parts.entries) {
    if (!key.startsWith(prefix)) items.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
  }
  for (const key of Object.keys(data).sort()) {
    items.push(`${encodeURIComponent(prefix + key)}=${encodeURIComponent(data[key])}`)
  }
  return `#${items.join('&')}`
}
