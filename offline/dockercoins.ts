/**
 * What the local cloud does for DockerCoins in particular, in one place; everything else in
 * offline/ is a generic local AWS. It talks to the app the way the app's own functions do:
 * through the replica protocol (functions/shared/replicas) and @upstash/redis, over the bridge.
 *
 * - at start: clears a halt flag left by an earlier run, says what the kept data holds,
 *   starts from the configured worker replicas (WORKER_REPLICAS), as `docker-compose up` starts
 *   from the compose file's scale, whatever an earlier run scaled to,
 *   builds and serves the dashboard, kicks the supervisor (offline schedules first fire a minute after start), prints the URLs;
 * - at Ctrl-C: halts the worker replicas and waits until they have flushed and let go.
 */
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "@upstash/redis";
import type { GuardPolicy } from "../common/http-guard";
import { FRESH_START_COMMAND, RESET_COMMAND } from "../common/redis/state-folder";
import { buildSite } from "../common/site-build";
import { DEFAULT_WORKER_REPLICAS } from "../functions/shared/config";
import { keys } from "../functions/shared/keys";
import { createRedis } from "../functions/shared/redis";
import { activeReplicaCount, clearHalt, haltReplicas } from "../functions/shared/replicas/replicas";
import type { Invoke } from "./contracts";
import { type DashboardOptions, startDashboardServer } from "./dashboard/server";

/** How long Ctrl-C waits for replicas to flush their last counts and release their leases. */
const DRAIN_TIMEOUT_MS = 2_000;
/** The halt flag outlives a shutdown briefly; the next start clears it anyway. */
const HALT_TTL_MS = 10_000;
const DRAIN_POLL_MS = 50;
/** Redis calls of the local cloud itself: it is on loopback, a slow answer means trouble. */
const REDIS_TIMEOUT_MS = 2_000;

type Log = (line: string) => void;

export interface DashboardSettings {
  serviceDir: string;
  port: number;
  /** serverless-offline's API with its stage, e.g. http://127.0.0.1:3000/dev */
  apiUrl: string;
  jsonCacheMs: number;
  hostStats?: DashboardOptions["hostStats"];
  cloudReport?: () => Promise<string>;
  /** Which Host names and Origins may reach the dashboard (common/http-guard.ts). */
  guard: GuardPolicy;
  /** PUT /workers' token, handed to the page in its config.json. */
  scaleToken: string | undefined;
  log: Log;
}

export class DockerCoinsLocal {
  private constructor(private readonly redis: Redis) {}

  /** Connects through the bridge, as a function would, and clears a stale halt flag. */
  static async attach(bridgeUrl: string, token: string): Promise<DockerCoinsLocal> {
    const redis = createRedis({ url: bridgeUrl, token, timeoutMs: REDIS_TIMEOUT_MS });
    await clearHalt(redis);
    return new DockerCoinsLocal(redis);
  }

  /**
   * What Redis holds at start: "continuing: 12,345 hashes, 771 coins (…)", or "fresh: …", and
   * the workers this start mines with. Each start begins with the configured replica count
   * (`configuredReplicas`, WORKER_REPLICAS): a count an earlier run scaled to is dropped, and
   * said so; hashes, coins and history continue.
   */
  async startingPoint(configured: unknown): Promise<string> {
    const configuredReplicas = String(configured ?? DEFAULT_WORKER_REPLICAS);
    const [hashes, coins, kept] = await Promise.all([
      this.redis.get<string>(keys.hashes),
      this.redis.hlen(keys.wallet),
      this.redis.get<string | number>(keys.desiredReplicas),
    ]);
    // Unset, the functions start from WORKER_REPLICAS (their default): the configured count.
    if (kept !== null) await this.redis.del(keys.desiredReplicas);
    const workers =
      kept === null || String(kept) === configuredReplicas
        ? `workers: ${configuredReplicas} (WORKER_REPLICAS)`
        : `workers: ${configuredReplicas} (WORKER_REPLICAS; the last run had scaled to ${kept})`;
    const count = Number(hashes ?? 0);
    if (count === 0 && coins === 0) return `fresh: no hashes or coins yet; ${workers}`;
    const format = (n: number) => n.toLocaleString("en-US");
    return (
      `continuing: ${format(count)} hashes, ${format(coins)} coins; ${workers} ` +
      `(start from zero: ${RESET_COMMAND}, or ${FRESH_START_COMMAND})`
    );
  }

  /**
   * The dashboard is TypeScript + uPlot: built (≈ 0.2 s) at every start, so edits show up on
   * the next `npm start`. Its config.json is served by the dashboard server, not built: the
   * empty apiBase means "same origin" (the server forwards the API), and the scale token is
   * handed to the local cloud's own page only (the guard refuses other hosts and origins, and
   * no CORS header lets another page read it), so the dashboard scales with nothing typed.
   */
  async startDashboard(settings: DashboardSettings) {
    const siteDir = join(settings.serviceDir, "node_modules", ".cache", "dockercoins-site");
    await buildSite(siteDir, {});
    return startDashboardServer({
      port: settings.port,
      siteDir,
      pageConfig: {
        apiBase: "",
        ...(settings.scaleToken !== undefined && { scaleToken: settings.scaleToken }),
      },
      guard: settings.guard,
      apiUrl: settings.apiUrl,
      jsonCacheMs: settings.jsonCacheMs,
      ...(settings.hostStats && { hostStats: settings.hostStats }),
      ...(settings.cloudReport && { cloudReport: settings.cloudReport }),
      log: settings.log,
    });
  }

  /** Runs the supervisor once, so the workers start now rather than at the first schedule. */
  async kickSupervisor(invoke: Invoke, supervisorName: string, log: Log): Promise<void> {
    const outcome = await invoke(supervisorName, { source: "dockercoins.local-cloud" });
    if (!outcome.ok) log(`supervisor kick failed: ${outcome.error}`);
  }

  /** The lines after "ready": where to look, and how to scale. */
  banner(say: Log, urls: { dashboard: string; api: string; scaleToken: string | undefined }): void {
    say(`dashboard  ${urls.dashboard}`);
    say(`api        ${urls.api}  (rng/32, hasher, json)`);
    if (urls.scaleToken !== undefined) {
      say(
        `scale      npm run scale -- <N>   (PUT /workers; the dashboard's form and npm run scale know the token: ${urls.scaleToken})`,
      );
    }
  }

  /** Raises the halt flag and waits until no replica holds a lease (they flush, then release). */
  async drainWorkers(log: Log): Promise<void> {
    try {
      await haltReplicas(this.redis, HALT_TTL_MS);
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      while (Date.now() < deadline && (await activeReplicaCount(this.redis, Date.now())) > 0) {
        await sleep(DRAIN_POLL_MS);
      }
    } catch (err) {
      log(`could not drain workers: ${String(err)}`);
    }
  }
}
