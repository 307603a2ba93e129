// The sidebar list of an evaluation dashboard: one entry per logged evaluation of the chosen runs.
import { entryKey, type EvaluationState } from './evaluationState'
import { EntryList } from './widgets'

export function EvaluationSidebar({ state, title = 'Evaluations', active = true }: { state: Pick<EvaluationState, 'entries' | 'view' | 'listing' | 'open'>; title?: string; active?: boolean }) {
  const items = state.entries.value.map((e) => ({ key: entryKey(e.run, e.name), title: e.name, subtitle: e.run, badge: e.source === 'summary' ? `${e.task ?? ''} · summary` : e.task }))
  const v = state.view.value
  return (
    <EntryList
      title={title}
      items={items}
      current={active && v.run !== null && v.name !== null ? entryKey(v.run, v.name) : null}
      onOpen={(key) => {
        const [run, name] = JSON.parse(key) as [string, string]
        state.open(run, name)
      }}
      empty={state.listing.value === null ? 'Loading…' : 'No evaluations of this kind in the chosen runs (log them with run.log_predictions).'}
    />
  )
}
