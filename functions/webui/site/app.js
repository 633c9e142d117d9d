// A first, plain dashboard: polls json once a second and plots the exact per-second rate
// from its `series` (no 4-4-4-0 sawtooth: the server counts hashes per completed second).
const SMOOTHING_SECONDS = 5;
const $ = (id) => document.getElementById(id);

function render(stats) {
  const values = stats.series.hashes;
  const recent = values.slice(-SMOOTHING_SECONDS);
  const speed = recent.reduce((a, b) => a + b, 0) / Math.max(1, recent.length);
  $("speed").textContent = speed.toFixed(1);
  $("hashes").textContent = stats.hashes.toLocaleString();
  $("coins").textContent = stats.coins.toLocaleString();
  $("workers").textContent = `${stats.workers.active} / ${stats.workers.desired ?? "?"}`;
  const max = Math.max(1, ...values);
  const step = 300 / Math.max(1, values.length - 1);
  const points = values.map(
    (v, i) => `${(i * step).toFixed(1)},${(100 - (v / max) * 95).toFixed(1)}`,
  );
  $("area").setAttribute("d", `M0,100 L${points.join(" L")} L300,100 Z`);
  $("status").textContent = "";
}

async function poll() {
  try {
    const res = await fetch("json", { cache: "no-store" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    render(await res.json());
  } catch (err) {
    $("status").textContent = `Connection lost (${err.message}); reconnecting…`;
  }
  // Schedule after the answer, so a slow API never piles up requests.
  setTimeout(poll, 1000);
}

poll();
