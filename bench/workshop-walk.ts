/**
 * `node common/run-ts.cjs bench/workshop-walk.ts`: follows the workshop chapter's exercises as
 * written on its slides (workshop/en/*.md), on real local clouds on free ports: each shell
 * command of an exercise runs as typed, with the slide's ports (SLIDE_PORTS) replaced by the
 * cloud's, and the dashboard's figures are read after each step. About 4 minutes. Prints what
 * each exercise showed; writes bench/results/<date>-workshop-walk.json. With `--lessons`, the
 * poison ticket and the timeout instead (about 5 minutes; <date>-workshop-walk-lessons.json).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { projectRoot } from "../common/project";
import { eventually, type LocalCloud } from "../tests/support/launcher";
import { SLIDE_PORTS } from "../workshop/slide-claims";
import { cloudReport, hashRate, readJson, sleep, withCloud, writeResult } from "./cloud";

const run = promisify(execFile);
const steps: { slide: string; command: string; output: string; seen: Record<string, unknown> }[] =
  [];

/** Runs a slide's command as typed, on this cloud's ports; its output, trimmed. */
async function shell(cloud: LocalCloud, slide: string, command: string): Promise<string> {
  const onCloud = command.replace(/127\.0\.0\.1:(\d+)/g, (url, port: string) => {
    const server = SLIDE_PORTS[Number(port)];
    return server ? `127.0.0.1:${cloud.ports[server]}` : url;
  });
  const { stdout, stderr } = await run("bash", ["-c", onCloud], {
    cwd: projectRoot,
    env: { ...process.env, API_PORT: String(cloud.ports.api), SQS_PORT: String(cloud.ports.sqs) },
    timeout: 60_000,
  });
  const output = `${stdout}${stderr}`.trim();
  steps.push({ slide, command, output: output.slice(0, 300), seen: {} });
  console.log(`[${slide}] $ ${command}\n${output.slice(0, 300)}`);
  return output;
}

/** The dashboard's figures now: speed over the last 10 complete seconds, workers, rng's row. */
async function look(cloud: LocalCloud, slide: string): Promise<void> {
  const json = await readJson<{ workers: { desired: number; active: number } }>(cloud);
  const report = await cloudReport(cloud);
  const row = (key: string) => {
    const f = report.functions.find((fn) => fn.key === key);
    return (
      f && {
        instances: f.instances,
        busy: f.busy,
        waiting: f.waiting,
        waits: f.waits,
        coldStarts: f.coldStarts,
        errors: f.errors,
        timeouts: f.timeouts,
      }
    );
  };
  const seen = {
    hashesPerSecond: await hashRate(cloud, 10, 2),
    workers: json.workers,
    rng: row("rng"),
    hasher: row("hasher"),
    queue: report.queues[0],
  };
  steps.push({ slide, command: "(the dashboard)", output: "", seen });
  console.log(`[${slide}] seen: ${JSON.stringify(seen)}`);
}

const firstCloud = () =>
  withCloud({ WORKER_REPLICAS: "1" }, async (cloud) => {
    await shell(cloud, "tokens.md", "npm run scale -- 3");
    await shell(cloud, "tokens.md", "npm run scale -- 1");
    await sleep(25_000);
    await shell(
      cloud,
      "dashboard.md",
      "curl -s http://127.0.0.1:8000/json | jq '{hashes, coins, now}'",
    );
    await look(cloud, "dashboard.md");
    await shell(cloud, "scaling.md", "npm run scale -- 2");
    await sleep(25_000);
    await look(cloud, "scaling.md (2)");
    await shell(cloud, "scaling.md", "npm run scale -- 10");
    await sleep(40_000);
    await look(cloud, "scaling.md (10)");
    await shell(cloud, "bottleneck.md", "curl -s http://127.0.0.1:8000/json | jq .latency");
    await shell(
      cloud,
      "bottleneck.md",
      "time curl -s -o /dev/null http://127.0.0.1:3000/dev/rng/32",
    );
  });

const fixedCloud = () =>
  withCloud({ RNG_CONCURRENCY: "10", WORKER_REPLICAS: "1" }, async (cloud) => {
    await shell(cloud, "fix.md", "npm run scale -- 10");
    await sleep(40_000);
    await look(cloud, "fix.md");
    await shell(cloud, "serverless-lessons.md", "npm run scale -- 0");
    await sleep(65_000);
    await look(cloud, "serverless-lessons.md (60 s after 0)");
    await shell(cloud, "serverless-lessons.md", "curl -s http://127.0.0.1:3000/dev/rng/32 | wc -c");
    await sleep(1_500); // the panel's report is made at most every 200 ms, read once a second
    await look(cloud, "serverless-lessons.md (after one call)");
  });

/** The DLQ exercise: restart with a 30 s visibility, send the poison ticket, wait for DLQ 1. */
const poisonCloud = () =>
  withCloud(
    {
      WORKER_QUEUE_VISIBILITY_SECONDS: "30",
      WORKER_REPLICAS: "1",
    },
    async (cloud) => {
      const sentAt = Date.now();
      await shell(cloud, "serverless-lessons.md", "npm run poison");
      await eventually(
        async () =>
          ((await cloudReport(cloud)).queues[0]?.deadLetter?.messages ?? 0) >= 1 ? true : undefined,
        180_000,
        "a DLQ message",
      );
      const seconds = Math.round((Date.now() - sentAt) / 1000);
      steps.push({
        slide: "serverless-lessons.md",
        command: "(DLQ 1)",
        output: "",
        seen: { seconds },
      });
      console.log(`[serverless-lessons.md] DLQ 1 after ${seconds} s`);
      await look(cloud, "serverless-lessons.md (poison)");
    },
  );

/** The timeout exercise: hasher slower than its 10 s timeout, watched for a minute. */
const timeoutCloud = () =>
  withCloud({ HASHER_DELAY_MS: "11000", WORKER_REPLICAS: "1" }, async (cloud) => {
    await sleep(65_000);
    await look(cloud, "serverless-lessons.md (timeout)");
  });

export async function main(args: string[] = []): Promise<void> {
  const lessons = args.includes("--lessons");
  if (lessons) {
    await poisonCloud();
    await timeoutCloud();
  } else {
    await firstCloud();
    await fixedCloud();
  }
  const date = new Date().toISOString();
  const name = lessons ? "workshop-walk-lessons" : "workshop-walk";
  console.log(`written: ${writeResult(`${date.slice(0, 10)}-${name}.json`, { date, steps })}`);
}
