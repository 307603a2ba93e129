// Run and series colours. Pure TS (no chart library), shared by every dashboard.
//
// 20 colours, TensorBoard's orange first. Chosen greedily from an HSL grid for the largest
// smallest CIEDE2000 difference to the colours before them (so the first runs get the most
// distinct colours), keeping only colours that stand out on both the light (#ffffff) and the
// dark (#303134) chart backgrounds: every pair differs by ΔE2000 ≥ 16 (ΔE76 ≥ 19; the previous
// 10-colour palette had two oranges at ΔE2000 15.8 and repeated from the 11th run on).
export const PALETTE = [
  '#f57c00', '#1976d2', '#23e74a', '#ae1351', '#13aeae', '#eb47eb', '#4213ae', '#918830', '#915730', '#e7e723',
  '#30914e', '#eb4747', '#23ace7', '#e7ac23', '#7e57db', '#cc668f', '#307e91', '#ae139f', '#ae1313', '#47c291',
]

/** A run's colour: by its position in the run list (the order of the run picker, the same on
 * every dashboard), so the first 20 runs all differ; unknown runs hash their name. */
export function runColor(run: string, runNames: readonly string[]): string {
  const index = runNames.indexOf(run)
  return PALETTE[(index >= 0 ? index : nameHash(run)) % PALETTE.length]
}

/** A small stable string hash (FNV-1a, 32 bit). */
export function nameHash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** CIELAB of a #rrggbb colour (D65), for the palette's distinctness test. */
export function hexToLab(hex: string): [number, number, number] {
  const lin = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  const [r, g, b] = [lin(1), lin(3), lin(5)]
  const f = (v: number) => (v > 216 / 24389 ? Math.cbrt(v) : ((24389 / 27) * v + 16) / 116)
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047)
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b)
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)]
}
