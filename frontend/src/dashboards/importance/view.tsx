// Feature importance: sorted horizontal bars, the top k with the rest collapsed, per class.
import { useMemo } from 'preact/hooks'
import type { Shell } from '../../app/store'
import { EChart } from '../../charts/EChart'
import { fileStem } from '../../charts/export'
import { DARK_COLORS, LIGHT_COLORS } from '../../charts/lineOption'
import { importanceOption, topImportances } from '../../charts/options/importance'
import { csvRows } from '../../model/eval/csv'
import { Card, EntryList, Select, StepSlider } from '../shared/widgets'
import { type ImportanceState, TOP_K_CHOICES } from './state'

export function ImportanceSidebar({ state }: { state: ImportanceState }) {
  const v = state.view.value
  return (
    <EntryList
      title="Feature importances"
      items={state.entries.value.map((e) => ({ key: JSON.stringify([e.run, e.name]), title: e.name, subtitle: e.run }))}
      current={v.run !== null ? JSON.stringify([v.run, v.name]) : null}
      onOpen={(key) => {
        const [run, name] = JSON.parse(key) as [string, string]
        state.open(run, name)
      }}
      empty={state.listing.value === null ? 'Loading…' : 'No feature importances in the chosen runs (run.log_feature_importance).'}
    />
  )
}

export function ImportanceView({ state, shell }: { state: ImportanceState; shell: Shell }) {
  const d = state.data.value
  const v = state.view.value
  const colors = shell.dark.value ? DARK_COLORS : LIGHT_COLORS
  const classes = d ? Object.keys(d.per_class ?? {}) : []
  const cls = v.cls !== null && classes.includes(v.cls) ? v.cls : null
  const values = d ? (cls === null ? d.values : d.per_class[cls]) : []
  const bars = useMemo(() => (d ? topImportances(d.names, values, v.topK) : null), [d, values, v.topK])
  const option = useMemo(() => (bars ? importanceOption(bars, colors) : null), [bars, colors])
  if (shell.selectedRuns.value.length === 0) return <div class="tbe-empty">Choose one or more runs.</div>
  if (!state.entry.value) return <div class="tbe-empty">{state.listing.value === null ? 'Loading…' : 'No feature importances in the chosen runs.'}</div>
  if (!d || !bars || !option) return <div class="tbe-empty">Loading…</div>
  const height = Math.max(200, 40 + bars.names.length * 22)
  return (
    <div class="tbe-dashboard">
      <div class="tbe-title-row">
        <h2 class="tbe-title">{d.name}</h2>
        <span class="tbe-subtitle">{`${d.run} · ${d.names.length} features · step ${d.step}`}</span>
      </div>
      <StepSlider steps={d.steps} step={d.step} onChange={state.setStep} />
      <Card title="Importance" wide testId="chart-importance" subtitle={cls === null ? ' · overall' : ` · class “${cls}”`}>
        <EChart
          option={option}
          dark={shell.dark.value}
          label="Feature importance bars"
          height={height}
          exportName={fileStem(d.run, d.name, `step${d.step}`, cls ?? 'overall')}
          csv={() => csvRows(['feature', 'importance'], d.names.map((n, i) => [n, values[i]]))}
        >
          {classes.length > 0 ? (
            <Select small label="Class" value={cls ?? ''} choices={[{ value: '', label: 'overall' }, ...classes.map((c) => ({ value: c, label: c }))]} onChange={(c) => state.update({ cls: c || null })} />
          ) : null}
          <Select small label="Bars shown" value={String(v.topK)} choices={TOP_K_CHOICES.map((k) => ({ value: String(k), label: k === 0 ? 'all features' : `top ${k}` }))} onChange={(k) => state.update({ topK: Number(k) })} />
        </EChart>
        {bars.rest > 0 ? (
          <button type="button" class="tbe-link" onClick={() => state.update({ topK: 0 })}>
            {`Show all ${d.names.length} features`}
          </button>
        ) : null}
      </Card>
    </div>
  )
}
