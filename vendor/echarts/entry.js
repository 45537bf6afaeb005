// The parts of Apache ECharts that folio's chart options use (see src/chart/mod.rs): four
// series types and maps (world choropleths: the map series on a geo component), the
// rectangular grid, legend (plain and scroll), the visual map legend (continuous and
// piecewise) that colours a choropleth, tooltip with its axis pointer, aria, title and
// dataset, reference marks (lines, areas and points), drawn by the SVG renderer in the
// browser and at build time. Loading every chart type and component, as echarts.min.js
// does, costs readers 1 MB of script instead of about two thirds of that, and each
// static SVG about 15% more time.
import * as echarts from "echarts/core";
import { BarChart, LineChart, MapChart, PieChart, ScatterChart } from "echarts/charts";
import {
  AriaComponent,
  DatasetComponent,
  GeoComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  LineChart,
  MapChart,
  PieChart,
  ScatterChart,
  AriaComponent,
  DatasetComponent,
  GeoComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer,
]);

globalThis.echarts = echarts;
