// DET curves are drawn on normal-deviate (probit) axes. ECharts has no probit axis, so the
// rates are transformed here and the ticks labelled with the rates they stand for.

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error below
 * 1.2e-9: plenty for drawing). 0 and 1 give ∓Infinity, anything outside [0, 1] NaN. */
export function probit(p: number): number {
  if (!(p > 0)) return p === 0 ? -Infinity : NaN
  if (!(p < 1)) return p === 1 ? Infinity : NaN
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const low = 0.02425
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p))
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
  }
  if (p > 1 - low) return -probit(1 - p)
  const q = p - 0.5
  const r = q * q
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
}

/** The DET plot's range in rates: rates outside it are drawn on its edge. */
export const DET_LIMITS: [number, number] = [0.0005, 0.9995]
/** Rates labelled on the DET axes. */
export const DET_TICKS = [0.001, 0.01, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99, 0.999]

/** probit(p) clamped to the plot's range; null stays null. */
export function detCoordinate(p: number | null): number | null {
  if (p === null || !Number.isFinite(p)) return null
  const [lo, hi] = DET_LIMITS
  return probit(Math.min(hi, Math.max(lo, p)))
}

/** The tick label of a probit coordinate: the rate as a percentage ("0.1%", "5%", "99.9%"). */
export function detTickLabel(z: number): string {
  let best = DET_TICKS[0]
  for (const t of DET_TICKS) if (Math.abs(probit(t) - z) < Math.abs(probit(best) - z)) best = t
  const percent = best * 100
  return `${Number(percent.toPrecision(3))}%`
}
