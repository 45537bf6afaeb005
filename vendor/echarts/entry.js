// The parts of Apache ECharts that folio's chart options use (see src/chart/mod.rs): four
// series types, the rectangular grid, legend (plain and scroll), tooltip with its axis
// pointer, aria, title and dataset, reference marks (lines, areas and points), drawn by the SVG renderer in the browser and at build
// time. Loading every chart type and component, as echarts.min.js does, costs readers
// 1 MB of script instead of about half that, and each static SVG about 15% more time.
import * as echarts from "echarts/core";
import { BarChart, LineChart, PieChart, ScatterChart } from "echarts/charts";
import {
  AriaComponent,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  TooltipComponent,
} from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  ScatterChart,
  AriaComponent,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  TooltipComponent,
  SVGRenderer,
]);

globalThis.echarts = echarts;
