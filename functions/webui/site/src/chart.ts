import uPlot from "uplot";
import type { ChartColumns } from "./rate";

const HASH_COLOUR = "#1a5fb4";
const WORKER_COLOUR = "#8f3f00";

/** Plot height: roomy on a laptop, still leaving the numbers in view on a phone. */
const heightFor = (width: number) => (width < 500 ? 200 : 280);

/**
 * The live chart: hashes completed in each second (an area) and, when the API sends them, the
 * workers active each second (a dashed step line on its own axis). uPlot draws 300 points in
 * well under a millisecond, so the whole series is replaced on every poll.
 */
export class HashChart {
  private plot: uPlot | null = null;
  private withWorkers = false;
  private readonly resize = new ResizeObserver(() => this.fit());

  constructor(private readonly container: HTMLElement) {
    this.resize.observe(container);
  }

  update(columns: ChartColumns): void {
    const withWorkers = columns[2].some((w) => w !== null);
    // The workers axis exists only for APIs that report workers: rebuild when that changes.
    if (this.plot === null || withWorkers !== this.withWorkers) {
      this.plot?.destroy();
      this.withWorkers = withWorkers;
      this.plot = new uPlot(this.options(), this.data(columns), this.container);
      return;
    }
    this.plot.setData(this.data(columns));
  }

  /** Points drawn so far: lets a test (and a curious user) see that data arrived. */
  get points(): number {
    return this.plot?.data[0]?.length ?? 0;
  }

  private data(columns: ChartColumns): uPlot.AlignedData {
    return this.withWorkers ? columns : [columns[0], columns[1]];
  }

  private fit(): void {
    const width = this.container.clientWidth;
    if (this.plot && width > 0) this.plot.setSize({ width, height: heightFor(width) });
  }

  private options(): uPlot.Options {
    const width = Math.max(280, this.container.clientWidth);
    const series: uPlot.Series[] = [
      {},
      {
        label: "hashes/s",
        stroke: HASH_COLOUR,
        fill: "rgba(26, 95, 180, 0.22)",
        width: 2,
        points: { show: false },
      },
    ];
    const axes: uPlot.Axis[] = [
      { stroke: "#444" },
      { label: "hashes/s", stroke: "#444", size: 50 },
    ];
    if (this.withWorkers) {
      series.push({
        label: "workers",
        scale: "workers",
        stroke: WORKER_COLOUR,
        width: 1.5,
        dash: [6, 4],
        points: { show: false },
        paths: uPlot.paths.stepped?.({ align: 1 }),
      });
      axes.push({
        label: "workers",
        scale: "workers",
        side: 1,
        stroke: WORKER_COLOUR,
        grid: { show: false },
        size: 44,
      });
    }
    return {
      width,
      height: heightFor(width),
      series,
      axes,
      scales: {
        x: { time: true },
        // From zero: a rate chart that starts at 3 makes 3.3 vs 3.4 look like a crash.
        y: { range: (_u, _min, max) => [0, max > 0 ? Math.ceil(max * 1.15) : 1] },
        workers: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.25))] },
      },
      // The legend names the series; live values would read "--" except under a mouse.
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
    };
  }
}
