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

type Entry = { run: string; name: string }

/** The evaluations list and, below it when any were logged, the documents logged as they are
 * (`docsTitle`, each with `badge`): the one opened (`state.doc`) stands in the evaluation's place. */
export function EvaluationAndDocsSidebar({
  state,
  title,
  docsTitle,
  badge,
}: {
  state: Pick<EvaluationState, 'entries' | 'view' | 'listing' | 'open'> & { doc: { value: Entry | null }; docEntries: { value: Entry[] }; openDoc: (run: string, name: string) => void }
  title?: string
  docsTitle: string
  badge: string
}) {
  const doc = state.doc.value
  const docs = state.docEntries.value
  return (
    <>
      <EvaluationSidebar state={state} title={title} active={doc === null} />
      {docs.length > 0 ? (
        <EntryList
          title={docsTitle}
          items={docs.map((e) => ({ key: entryKey(e.run, e.name), title: e.name, subtitle: e.run, badge }))}
          current={doc ? entryKey(doc.run, doc.name) : null}
          onOpen={(key) => {
            const [run, name] = JSON.parse(key) as [string, string]
            state.openDoc(run, name)
          }}
          empty=""
        />
      ) : null}
    </>
  )
}
