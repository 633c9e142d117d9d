import uPlot from "uplot";
import type { ConcurrencyChart } from "./cloud";

/** One colour per function, the same in the chart and the table's swatches. */
const PALETTE = ["#1a5fb4", "#c64600", "#26a269", "#813d9c", "#865e3c", "#5e5c64"];

export function colourOf(index: number): string {
  return PALETTE[index % PALETTE.length] ?? "#000";
}

const heightFor = (width: number) => (width < 500 ? 180 : 240);

/**
 * Concurrent executions per function over the last 5 minutes (a stepped line each), and each
 * concurrency limit as a dashed line in its function's colour: "rng stuck at its limit while
 * the workers wait" is one glance. Rebuilt only when the functions or limits change.
 */
export class ConcurrencyPlot {
  private plot: uPlot | null = null;
  private shape = "";
  private readonly resize = new ResizeObserver(() => this.fit());

  constructor(private readonly container: HTMLElement) {
    this.resize.observe(container);
  }

  update(chart: ConcurrencyChart): void {
    const shape = JSON.stringify([chart.lines.map((l) => l.key), chart.limits]);
    const data = this.data(chart);
    if (this.plot === null || shape !== this.shape) {
      this.plot?.destroy();
      this.shape = shape;
      this.plot = new uPlot(this.options(chart), data, this.container);
      return;
    }
    this.plot.setData(data);
  }

  get points(): number {
    return this.plot?.data[0]?.length ?? 0;
  }

  private data(chart: ConcurrencyChart): uPlot.AlignedData {
    return [
      chart.xs,
      ...chart.lines.map((l) => l.values),
      ...chart.limits.map((l) => chart.xs.map(() => l.limit)),
    ];
  }

  private fit(): void {
    const width = this.container.clientWidth;
    if (this.plot && width > 0) this.plot.setSize({ width, height: heightFor(width) });
  }

  private options(chart: ConcurrencyChart): uPlot.Options {
    const width = Math.max(280, this.container.clientWidth);
    const colour = new Map(chart.lines.map((l, i) => [l.key, colourOf(i)]));
    const series: uPlot.Series[] = [
      {},
      ...chart.lines.map((l) => ({
        label: l.key,
        stroke: colour.get(l.key) ?? "#000",
        width: 2,
        points: { show: false },
        paths: uPlot.paths.stepped?.({ align: 1 }),
      })),
      ...chart.limits.map((l) => ({
        label: `${l.key} limit`,
        stroke: colour.get(l.key) ?? "#000",
        width: 1.5,
        dash: [4, 4],
        points: { show: false },
      })),
    ];
    return {
      width,
      height: heightFor(width),
      series,
      axes: [{ stroke: "#444" }, { label: "running at once", stroke: "#444", size: 50 }],
      scales: {
        x: { time: true },
        y: { range: (_u, _min, max) => [0, Math.max(2, Math.ceil(max * 1.2))] },
      },
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
    };
  }
}
