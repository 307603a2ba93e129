// Compare runs: the overlaid curves (one line per run), small multiples and the colour key.
import { useMemo, useState } from 'preact/hooks'
import type { Shell } from '../../app/store'
import { EChart } from '../../charts/EChart'
import { fileStem } from '../../charts/export'
import { type ChartColors, DARK_COLORS, LIGHT_COLORS } from '../../charts/lineOption'
import { recolor, sharedRanges, smallMultipleOption } from '../../charts/options/compareRuns'
import { curveOption } from '../../charts/options/curves'
import { formatNumber } from '../../model/format'
import { nameHash } from '../../model/palette'
import { MISSING_COLOR, type RunColoring } from '../../model/paramColor'
import { CALIBRATION_SPEC, type CompareKind, compareSeries, PVT_SPEC } from '../../model/eval/compare'
import { curvesCsv } from '../../model/eval/csv'
import { CURVE_SPECS, type CurveSeries, type CurveSpec, referenceSeries } from '../../model/eval/series'
import { Card } from '../shared/widgets'
import { type CompareState } from './state'
export function Overlay({ state, shell, kind, coloring }: { state: CompareState; shell: Shell; kind: CompareKind; coloring: RunColoring }) {
  const d = state.data.value!
  const shown = state.split.value.shown
  const avg = state.view.value.avg
  const layout = state.view.value.layout
  const colors = shell.dark.value ? DARK_COLORS : LIGHT_COLORS
  const [hidden, setHidden] = useState<Set<string>>(new Set())
  const runNames = shell.runNames.value
  const spec = kind === 'calibration' ? CALIBRATION_SPEC : kind === 'predicted_vs_true' ? PVT_SPEC : CURVE_SPECS[kind]
  const series = useMemo(() => compareSeries(shown, kind, avg, (run) => (runNames.includes(run) ? runNames.indexOf(run) : nameHash(run))), [shown, kind, avg, runNames])
  const refs = useMemo(
    () => (kind === 'calibration' ? [{ name: 'ideal', role: 'reference' as const, index: 0, style: 'dashed' as const, points: [[0, 0, null], [1, 1, null]] as [number, number, null][] }] : kind === 'predicted_vs_true' ? [] : referenceSeries(kind, null)),
    [kind],
  )
  const option = useMemo(() => {
    const o = curveOption({ spec, series: [...refs, ...series], hidden, colors })
    return coloring.legend.kind === 'run' ? o : recolor(o, coloring.colors)
  }, [series, refs, hidden, colors, spec, coloring])
  if (series.length === 0) return null
  if (layout === 'small') return <SmallMultiples kind={kind} spec={spec} series={series} refs={refs} coloring={coloring} colors={colors} dark={shell.dark.value} name={d.name} />
  const csv = () => curvesCsv(Object.fromEntries(series.map((s) => [s.name, { [spec.x]: s.points.map((p) => p[0]), [spec.y]: s.points.map((p) => p[1]), ...(kind === 'roc' || kind === 'precision_recall' ? { thresholds: s.points.map((p) => p[2]) } : {}) }])), 'run')
  return (
    <Card title={spec.title} testId={`compare-${kind}`}>
      <EChart
        option={option}
        dark={shell.dark.value}
        label={`${spec.title} of the compared runs`}
        exportName={fileStem(d.name, 'compare', kind)}
        csv={csv}
        onLegend={(selected) => setHidden(new Set(Object.entries(selected).filter(([, on]) => !on).map(([n]) => n)))}
      />
    </Card>
  )
}

/** Small charts drawn at first; "Show more" adds this many (keeps 10+ runs responsive). */
export const SMALL_CAP = 12

/** One small chart per run on the same axis ranges, the run name as a DOM heading (text). */
function SmallMultiples({ kind, spec, series, refs, coloring, colors, dark, name }: { kind: CompareKind; spec: CurveSpec; series: CurveSeries[]; refs: CurveSeries[]; coloring: RunColoring; colors: ChartColors; dark: boolean; name: string }) {
  const [limit, setLimit] = useState(SMALL_CAP)
  const ranges = useMemo(() => sharedRanges(spec, series), [spec, series])
  const more = series.length - limit
  return (
    <Card title={spec.title} wide testId={`compare-${kind}`} subtitle={` · small multiples, one chart per run (${series.length})`}>
      <div data-testid="small-multiples" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))', gap: '8px' }}>
        {series.slice(0, limit).map((s) => (
          <SmallPanel key={s.name} kind={kind} spec={spec} run={s} refs={refs} color={coloring.colors.get(s.name) ?? MISSING_COLOR} ranges={ranges} colors={colors} dark={dark} name={name} />
        ))}
      </div>
      {more > 0 ? (
        <div class="tbe-controls" style={{ marginTop: '6px' }}>
          <button type="button" class="tbe-button tbe-small" onClick={() => setLimit(limit + SMALL_CAP)}>
            {`Show ${Math.min(more, SMALL_CAP)} more`}
          </button>
          <span class="tbe-note">{`${more} of ${series.length} runs not drawn yet`}</span>
        </div>
      ) : null}
    </Card>
  )
}

function SmallPanel({ kind, spec, run, refs, color, ranges, colors, dark, name }: { kind: CompareKind; spec: CurveSpec; run: CurveSeries; refs: CurveSeries[]; color: string; ranges: ReturnType<typeof sharedRanges>; colors: ChartColors; dark: boolean; name: string }) {
  const option = useMemo(() => smallMultipleOption({ spec, run, references: refs, color, ranges, colors }), [spec, run, refs, color, ranges, colors])
  return (
    <div data-small-run={run.name} style={{ border: '1px solid var(--border)', borderRadius: '4px', padding: '4px 6px', minWidth: '0' }}>
      <div class="tbe-small-title" title={run.name} style={{ fontWeight: '500', fontSize: '13px', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
        <span class="tbe-swatch" style={{ background: color, display: 'inline-block', width: '10px', height: '10px', borderRadius: '2px', marginRight: '6px' }} />
        {run.name}
      </div>
      {run.note ? <div class="tbe-note">{run.note}</div> : null}
      <EChart option={option} dark={dark} height={200} label={`${spec.title} of ${run.name}`} exportName={fileStem(name, 'compare', kind, run.name)} />
    </div>
  )
}

/** The "Colour by" key: a gradient bar with min/max for numbers, swatches for categories. */
export function ColorKey({ coloring }: { coloring: RunColoring }) {
  const legend = coloring.legend
  if (legend.kind === 'run') return null
  const swatch = (color: string) => <span style={{ display: 'inline-block', width: '10px', height: '10px', borderRadius: '2px', background: color, marginRight: '4px', verticalAlign: 'middle' }} />
  const missing = legend.missing.length > 0 ? (
    <span data-key-missing="" title={legend.missing.join(', ')}>
      {swatch(MISSING_COLOR)}
      {`no ${legend.param} (${legend.missing.length})`}
    </span>
  ) : null
  if (legend.kind === 'numeric')
    return (
      <span class="tbe-subtitle" data-testid="color-key" data-kind="numeric" style={{ display: 'inline-flex', gap: '6px', alignItems: 'center' }}>
        <span data-key-min="">{formatNumber(legend.min)}</span>
        <span aria-hidden="true" style={{ display: 'inline-block', width: '120px', height: '10px', borderRadius: '2px', background: `linear-gradient(to right, ${legend.stops.join(', ')})` }} />
        <span data-key-max="">{formatNumber(legend.max)}</span>
        {legend.log ? <span>(log scale)</span> : null}
        {missing}
      </span>
    )
  return (
    <span class="tbe-subtitle" data-testid="color-key" data-kind="categorical" style={{ display: 'inline-flex', gap: '10px', alignItems: 'center', flexWrap: 'wrap' }}>
      {legend.entries.map((e) => (
        <span key={e.value} data-key-value={e.value}>
          {swatch(e.color)}
          {e.value}
        </span>
      ))}
      {missing}
    </span>
  )
}
