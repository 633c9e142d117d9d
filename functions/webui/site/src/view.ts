import { formatMs, latencyRows } from "./latency";
import type { Snapshot } from "./stats";

/** The page's elements by id; a missing one is a bug in index.html, so it fails loudly. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element as T;
}

const count = (n: number | null) => (n === null ? "–" : n.toLocaleString());

export function renderCounters(snapshot: Snapshot): void {
  byId("hashes").textContent = count(snapshot.hashes);
  byId("coins").textContent = count(snapshot.coins);
  byId("active").textContent = count(snapshot.workers.active);
  byId("desired").textContent = count(snapshot.workers.desired);
}

/** Rows are rebuilt each second: two rows, cheaper than diffing. */
export function renderLatency(latency: Snapshot["latency"]): void {
  const rows = latencyRows(latency).map((row) => {
    const tr = document.createElement("tr");
    if (row.slowest) tr.className = "slowest";
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = row.name;
    if (row.slowest) {
      // Words, not only colour, mark the bottleneck.
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = "slowest";
      name.append(" ", badge);
    }
    // A bar under the name compares the two at a glance; the numbers beside it say the same.
    const bar = document.createElement("span");
    bar.className = "bar";
    bar.style.width = `${Math.round(row.share * 100)}%`;
    bar.setAttribute("aria-hidden", "true");
    name.append(bar);
    tr.append(name, cell(formatMs(row.avgMs)), cell(formatMs(row.p95Ms)), cell(count(row.calls)));
    return tr;
  });
  byId("latency-rows").replaceChildren(...rows);
}

function cell(text: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

const RECENT_COINS = 5;

export function renderRecentCoins(snapshot: Snapshot, listed: boolean): void {
  const list = byId("recent-coins");
  const note = byId("recent-coins-note");
  const coins = snapshot.recentCoins.slice(0, RECENT_COINS);
  list.replaceChildren(
    ...coins.map((hash) => {
      const item = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = hash;
      code.title = hash;
      item.append(code);
      return item;
    }),
  );
  note.textContent = !listed
    ? "This API does not list coins."
    : coins.length === 0
      ? "No coins yet: a hash starting with 0 is a coin."
      : "";
}
