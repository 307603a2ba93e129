// The only place that registers ECharts parts: line charts on canvas with axes, tooltip, legend
// and zoom. Importing from echarts/core keeps the bundle to what is used.
import { LineChart } from 'echarts/charts'
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, CanvasRenderer])

export { echarts }
