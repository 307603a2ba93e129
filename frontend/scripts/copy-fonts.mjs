// Copy the Roboto woff2 files next to the bundle: the iframe CSP blocks fonts as data: URLs in
// some TensorBoard versions and a file is cached by the browser across reloads.
import { copyFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const source = join(dirname(require.resolve('@fontsource/roboto/package.json')), 'files')
const target = fileURLToPath(new URL('../../tb_plugin/static/fonts/', import.meta.url))
mkdirSync(target, { recursive: true })
for (const weight of [400, 500]) {
  const name = `roboto-latin-${weight}-normal.woff2`
  copyFileSync(join(source, name), join(target, name))
}
console.log(`fonts copied to ${target}`)
