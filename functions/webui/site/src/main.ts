import { loadConfig } from "./api";
import { HashChart } from "./chart";
import { pollCloud } from "./cloud-poll";
import { CloudPanel } from "./cloud-view";
import { apiUrl, type SiteConfig } from "./config";
import {
  type ConnectionState,
  describeError,
  detailText,
  initialConnection,
  nextDelayMs,
  onFailure,
  onSuccess,
  REQUEST_TIMEOUT_MS,
  statusText,
} from "./connection";
import { chartData, counterRate, describeChart, formatRate, smoothedSpeed } from "./rate";
import { setUpScaleForm } from "./scale-form";
import { parseStats, type Snapshot } from "./stats";
import { byId, renderCounters, renderLatency, renderRecentCoins } from "./view";

let connection: ConnectionState = initialConnection();
let retryAt = 0;
let previous: Snapshot | null = null;

function renderConnection(): void {
  const banner = byId("connection");
  const text = statusText(connection);
  // Rewriting a live region makes screen readers repeat it: touch it only on a change.
  if (banner.textContent !== text) banner.textContent = text;
  banner.dataset.state = connection.status;
  const now = Date.now();
  byId("connection-detail").textContent = detailText(connection, now, retryAt - now);
  // Old figures stay readable but dimmed and labelled, rather than vanishing.
  document.body.classList.toggle("stale", connection.status === "reconnecting");
}

function render(snapshot: Snapshot, chart: HashChart, listsCoins: boolean): void {
  // The per-second series is exact; an API without it falls back to the original's method.
  const speed =
    smoothedSpeed(snapshot.series.hashes) ?? (previous ? counterRate(previous, snapshot) : null);
  byId("speed").textContent = formatRate(speed);
  renderCounters(snapshot);
  const columns = chartData(snapshot.series);
  chart.update(columns);
  const figure = byId("chart");
  figure.setAttribute("aria-label", describeChart(columns));
  figure.dataset.points = String(chart.points);
  renderLatency(snapshot.latency);
  renderRecentCoins(snapshot, listsCoins);
  previous = snapshot;
}

async function fetchStats(config: SiteConfig): Promise<{ snapshot: Snapshot; raw: unknown }> {
  const res = await fetch(apiUrl(config, "json"), {
    cache: "no-store",
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`the API answered HTTP ${res.status}`);
  const raw: unknown = await res.json();
  return { snapshot: parseStats(raw), raw };
}

/** One request at a time: the next poll is scheduled only after this one settled. */
async function poll(config: SiteConfig, chart: HashChart, onFirst: (s: Snapshot) => void) {
  const started = performance.now();
  let fetched: { snapshot: Snapshot; raw: unknown } | null = null;
  try {
    fetched = await fetchStats(config);
    connection = onSuccess(connection, Date.now());
  } catch (err) {
    connection = onFailure(connection, describeError(err));
  }
  try {
    // Outside the catch above: a rendering bug must surface as an error, not pass for an outage.
    if (fetched) {
      const { snapshot, raw } = fetched;
      const listsCoins = typeof raw === "object" && raw !== null && "recentCoins" in raw;
      if (previous === null) onFirst(snapshot);
      render(snapshot, chart, listsCoins);
    }
  } finally {
    const delay = nextDelayMs(connection, performance.now() - started);
    retryAt = Date.now() + delay;
    renderConnection();
    setTimeout(() => void poll(config, chart, onFirst), delay);
  }
}

async function start(): Promise<void> {
  const config = await loadConfig();
  byId("api-origin").textContent = config.apiBase === "" ? "this site" : config.apiBase;
  const chart = new HashChart(byId("chart"));
  const scale = setUpScaleForm(config);
  // The countdown and "last update N s ago" move on between polls while the API is down.
  setInterval(() => {
    if (connection.status !== "live") renderConnection();
  }, 1_000);
  void poll(config, chart, (first) => scale.suggest(first.workers.desired));
  void pollCloud(config, new CloudPanel());
}

void start();
