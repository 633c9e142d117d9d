import {
  type CloudView,
  COLUMNS,
  concurrencyChart,
  describeConcurrency,
  functionRows,
  queueLine,
} from "./cloud";
import { ConcurrencyPlot, colourOf } from "./cloud-chart";
import { byId } from "./view";

/** Renders the Cloud panel: the functions table, the concurrency chart, the queue lines. */
export class CloudPanel {
  private plot: ConcurrencyPlot | null = null;

  render(view: CloudView): void {
    const panel = byId("cloud");
    panel.dataset.state = view.kind;
    const status = byId("cloud-status");
    if (view.kind !== "report") {
      status.textContent =
        view.kind === "unsupported"
          ? `Not reported on this stage: ${view.reason}`
          : `Cloud figures unavailable: ${view.reason}`;
      return;
    }
    const { report } = view;
    status.textContent = `Stage ${report.stage}: ${report.source}. Counts are over the last ${report.windowSeconds} s, calls/s over the last ${report.rateWindowSeconds} s.`;
    this.renderTable(view.report);
    this.renderChart(view.report);
    this.renderQueues(view.report);
  }

  private renderTable(report: Extract<CloudView, { kind: "report" }>["report"]): void {
    const head = byId("cloud-head");
    if (head.childElementCount === 0) {
      const tr = document.createElement("tr");
      for (const title of COLUMNS) {
        const th = document.createElement("th");
        th.scope = "col";
        th.textContent = title;
        tr.append(th);
      }
      head.append(tr);
    }
    const rows = functionRows(report).map((row, index) => {
      const tr = document.createElement("tr");
      tr.dataset.function = row.key;
      if (row.limited) tr.className = "limited";
      row.cells.forEach((cell, i) => {
        const td = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) {
          (td as HTMLTableCellElement).scope = "row";
          const swatch = document.createElement("span");
          swatch.className = "swatch";
          swatch.style.background = colourOf(index);
          swatch.setAttribute("aria-hidden", "true");
          td.append(swatch);
        }
        td.append(cell.text);
        if (cell.notReported) td.className = "not-reported";
        tr.append(td);
      });
      return tr;
    });
    byId("cloud-rows").replaceChildren(...rows);
  }

  private renderChart(report: Extract<CloudView, { kind: "report" }>["report"]): void {
    const figure = byId("cloud-chart");
    const chart = concurrencyChart(report);
    if (chart === null) {
      figure.textContent = "Concurrency history: not reported on this stage.";
      figure.dataset.points = "0";
      return;
    }
    this.plot ??= new ConcurrencyPlot(figure);
    this.plot.update(chart);
    figure.setAttribute("aria-label", describeConcurrency(chart));
    figure.dataset.points = String(this.plot.points);
  }

  private renderQueues(report: Extract<CloudView, { kind: "report" }>["report"]): void {
    const items = report.queues.map((q) => {
      const li = document.createElement("li");
      const name = document.createElement("code");
      name.textContent = q.name;
      li.append(name, `: ${queueLine(q, report.reported)}`);
      return li;
    });
    if (items.length === 0) {
      const li = document.createElement("li");
      li.textContent = "No queues on this stage.";
      items.push(li);
    }
    byId("cloud-queues").replaceChildren(...items);
  }
}
