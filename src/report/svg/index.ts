export { renderLineChart, type LineChartOptions, type LineSeries } from "./line-chart.js";
export { renderBarChart, type BarChartOptions, type BarSeries } from "./bar-chart.js";
export { niceTicks, formatTick, type Ticks } from "./ticks.js";
export { decimateMinMax, type Point } from "./decimate.js";
