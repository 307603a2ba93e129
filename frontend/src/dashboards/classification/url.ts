// The Classification dashboard's URL keys (prefixed "cls_" so they never meet another
// dashboard's): the open evaluation, step, class, threshold, costs and view options.
import type { ClassOrder, Normalization } from '../../model/eval/confusion'
import { parseInteger, parseJson } from '../../model/viewState'

export interface ClassificationUrlState {
  run: string | null
  name: string | null
  /** null: the newest step. */
  step: number | null
  /** The class against the rest (multiclass/multilabel); null: the first label. */
  cls: string | null
  costFp: number
  costFn: number
  norm: Normalization
  order: ClassOrder
  calib: 'uniform' | 'quantile'
  /** Legend entries switched off; null: the default (classes hidden beyond 10). */
  hidden: string[] | null
}

export function defaultClassificationState(): ClassificationUrlState {
  return { run: null, name: null, step: null, cls: null, costFp: 1, costFn: 1, norm: 'count', order: 'logged', calib: 'uniform', hidden: null }
}

const NORMS: Normalization[] = ['count', 'true', 'pred', 'all']
const ORDERS: ClassOrder[] = ['logged', 'name', 'support', 'recall']

export function classificationToUrl(s: ClassificationUrlState, threshold: number | null, prefix = 'cls_'): Record<string, string> {
  const d: Record<string, string> = {}
  if (s.run !== null) d.cls_run = s.run
  if (s.name !== null) d.cls_name = s.name
  if (s.step !== null) d.cls_step = String(s.step)
  if (s.cls !== null) d.cls_class = s.cls
  if (threshold !== null) d.cls_t = String(Number(threshold.toFixed(4)))
  if (s.costFp !== 1) d.cls_cfp = String(s.costFp)
  if (s.costFn !== 1) d.cls_cfn = String(s.costFn)
  if (s.norm !== 'count') d.cls_norm = s.norm
  if (s.order !== 'logged') d.cls_order = s.order
  if (s.calib !== 'uniform') d.cls_calib = s.calib
  if (s.hidden !== null) d.cls_hidden = JSON.stringify(s.hidden)
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [prefix + k.slice(4), v]))
}

function positive(text: string | undefined): number | null {
  if (text === undefined) return null
  const v = Number(text)
  return Number.isFinite(v) && v >= 0 ? v : null
}

export function classificationFromUrl(data: Record<string, string>, prefix = 'cls_'): { state: ClassificationUrlState; threshold: number | null } {
  const d: Record<string, string> = {}
  for (const [k, v] of Object.entries(data)) if (k.startsWith(prefix)) d[`cls_${k.slice(prefix.length)}`] = v
  const s = defaultClassificationState()
  s.run = d.cls_run ?? null
  s.name = d.cls_name ?? null
  s.step = parseInteger(d.cls_step)
  s.cls = d.cls_class ?? null
  s.costFp = positive(d.cls_cfp) ?? 1
  s.costFn = positive(d.cls_cfn) ?? 1
  if (NORMS.includes(d.cls_norm as Normalization)) s.norm = d.cls_norm as Normalization
  if (ORDERS.includes(d.cls_order as ClassOrder)) s.order = d.cls_order as ClassOrder
  if (d.cls_calib === 'quantile') s.calib = 'quantile'
  const hidden = parseJson(d.cls_hidden)
  if (Array.isArray(hidden) && hidden.every((h) => typeof h === 'string')) s.hidden = hidden as string[]
  const t = d.cls_t === undefined ? null : Number(d.cls_t)
  return { state: s, threshold: t !== null && Number.isFinite(t) ? t : null }
}
