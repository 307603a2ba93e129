// The Classification sidebar (evaluations and logged confusion matrices) and the view of a logged
// confusion matrix.
import type { ConfusionMatrix } from '../../api/evalTypes'
import type { Shell } from '../../app/store'
import { fileStem } from '../../charts/export'
import { ConfusionCard } from '../shared/ConfusionCard'
import { EvaluationAndDocsSidebar } from '../shared/EvaluationSidebar'
import { StepSlider } from '../shared/widgets'
import type { ClassificationState } from './state'

export function ClassificationSidebar({ state }: { state: ClassificationState }) {
  return <EvaluationAndDocsSidebar state={state} docsTitle="Logged confusion matrices" badge="matrix" />
}

/** A confusion matrix logged with log_confusion_matrix (not computed from predictions). */
export function LoggedConfusionView({ state, shell }: { state: ClassificationState; shell: Shell }) {
  const d = state.docData.value
  const doc = state.doc.value!
  const v = state.view.value
  if (!d) return <div class="tbe-empty">Loading…</div>
  const cm: ConfusionMatrix = { labels: d.labels, matrix: d.matrix, normalized_true: d.normalized.true, normalized_pred: d.normalized.pred, normalized_all: d.normalized.all }
  return (
    <div class="tbe-dashboard">
      <div class="tbe-title-row">
        <h2 class="tbe-title">{d.name}</h2>
        <span class="tbe-subtitle">{`${d.run} · logged confusion matrix · ${d.labels.length} classes · step ${d.step}`}</span>
      </div>
      <StepSlider steps={d.steps} step={d.step} onChange={(step) => state.openDoc(doc.run, doc.name, step)} />
      <div class="tbe-grid2">
        <ConfusionCard cm={cm} norm={v.norm} order={v.order} onNorm={(norm) => state.update({ norm })} onOrder={(order) => state.update({ order })} shell={shell} stem={fileStem(d.run, d.name, `step${d.step}`, 'confusion')} note="as logged" />
      </div>
    </div>
  )
}
