// A stand-in for charts/EChart in happy-dom tests (ECharts needs a real canvas; the chart host is
// covered by the end-to-end tests): a `.tbe-chart` element carrying the chart's label and its
// children. Use: vi.mock('<path to>/charts/EChart', () => import('<path to>/test/echartStub')).
export const EChart = ({ label, children }: { label: string; children?: unknown }) => (
  <div class="tbe-chart" data-label={label}>
    {children as never}
  </div>
)
