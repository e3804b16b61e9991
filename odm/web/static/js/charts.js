// Time-series charts with uPlot (vendored, MIT): zoom by dragging, double-click to reset.
import uPlot from "../vendor/uPlot.esm.js";

export const COLOURS = {
  oil: "#009e73", gas: "#d55e00", water: "#0072b2", hours: "#999999",
  fit: "#000000", forecast: "#cc79a7", budget: "#999999", actual: "#0072b2",
};
const DASHES = { gas: [8, 4], water: [2, 3], fit: [6, 3], forecast: [3, 3] };

function chartWidth(container) {
  return Math.max(280, container.clientWidth || 600);
}

/** A line chart of series over days. `x`: seconds since 1970; each series
 * {label, values, key (colour and dash), scale ("y" left, "y2" right), steps}. */
export function timeChart(container, { x, series, height = 280, yLabel = "", y2Label = "", title }) {
  const scales = { x: { time: true } };
  const axes = [{}, { label: yLabel, scale: "y", size: 70 }];
  if (series.some((s) => s.scale === "y2")) {
    axes.push({ label: y2Label, scale: "y2", side: 1, grid: { show: false }, size: 70 });
  }
  const options = {
    title,
    width: chartWidth(container),
    height,
    scales,
    axes,
    cursor: { drag: { x: true, y: false } },
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        scale: s.scale || "y",
        stroke: COLOURS[s.key] || "#333",
        dash: DASHES[s.key],
        width: s.width || 1.5,
        paths: s.steps ? uPlot.paths.stepped({ align: 1 }) : undefined,
        points: { show: false },
        spanGaps: s.spanGaps || false,
      })),
    ],
  };
  const plot = new uPlot(options, [x, ...series.map((s) => s.values)], container);
  new ResizeObserver(() => plot.setSize({ width: chartWidth(container), height })).observe(container);
  return plot;
}
