#!/usr/bin/env node
// npm run scale -- N: the serverless `docker-compose up --scale worker=N`.
// Calls the authenticated scale endpoint (PUT /workers) of a running stack: the local cloud by
// default, or any deployment with SCALE_URL (its API base, e.g. https://…/prod) and SCALE_TOKEN.
const DEFAULT_LOCAL_TOKEN = "dockercoins-local-scale-token";

const [, , raw] = process.argv;
if (raw === undefined || !/^\d+$/.test(raw)) {
  console.error("usage: npm run scale -- <replicas>   (a whole number, e.g. npm run scale -- 10)");
  process.exit(2);
}
const apiBase = process.env.SCALE_URL ?? `http://127.0.0.1:${process.env.API_PORT ?? "3000"}/dev`;
const token = process.env.SCALE_TOKEN ?? DEFAULT_LOCAL_TOKEN;

console.log(`scale: asking ${apiBase}/workers for ${raw} worker replica(s)`);
let res;
try {
  res = await fetch(`${apiBase}/workers`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ replicas: Number(raw) }),
    signal: AbortSignal.timeout(10_000),
  });
} catch (err) {
  console.error(
    `scale: cannot reach ${apiBase} (${err.cause?.code ?? err.message}). Is \`npm start\` running?`,
  );
  process.exit(1);
}
const body = await res.json().catch(() => ({}));
if (!res.ok) {
  console.error(`scale: ${res.status} ${body.error ?? res.statusText}`);
  process.exit(1);
}
const issued = body.issued.length > 0 ? `; new tickets for replicas ${body.issued.join(", ")}` : "";
console.log(`scale: desired workers ${body.previous} → ${body.desired}${issued}`);
if (body.desired < body.previous)
  console.log("scale: extra replicas retire at their next flush (about a second)");
