import { join } from "node:path";
import type { SQSClient } from "@aws-sdk/client-sqs";
import IORedis from "ioredis";
import { keys } from "../functions/shared/keys";
import { startBridge } from "./bridge";
import { startDashboardServer } from "./dashboard-server";
import { lambdaInvoker } from "./invoke";
import { LogRouter } from "./log-router";
import {
  enforceReservedConcurrency,
  type PluginUtils,
  quietRequestNotices,
} from "./offline-internals";
import { startRedisServer } from "./redis-server";
import { buildSite } from "./site-build";
import { type CreatedQueue, createQueuesFromTemplate, startSqsEmulator } from "./sqs-emulator";
import { startQueuePoller } from "./sqs-poller";
import {
  type FunctionDefinition,
  type LocalCloudSettings,
  localCloudSettings,
  resolveEnvironment,
  sqsEventSources,
} from "./template";

/** How long Ctrl-C waits for replicas to flush their last counts and release their leases. */
const DRAIN_TIMEOUT_MS = 2_000;
/** The halt flag outlives a shutdown briefly; the next start clears it anyway. */
const HALT_TTL_MS = 10_000;

// The parts of the serverless instance this plugin touches (osls 3 has no type definitions).
interface Serverless {
  serviceDir: string;
  service: {
    service: string;
    provider: { stage: string; region: string; environment?: Record<string, unknown> };
    custom?: Record<string, unknown>;
    functions: Record<string, FunctionDefinition & { environment?: Record<string, unknown> }>;
    resources?: {
      Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };
  };
}

type Stoppable = { name: string; stop: () => Promise<void> };

/**
 * The local cloud for `serverless offline start`: Redis, the Upstash REST bridge, SQS
 * (fauxqs) with the queues of serverless.yml, event-source pollers, the dashboard. It starts
 * before serverless-offline, feeds its functions once it listens, and drains on Ctrl-C.
 */
export class LocalCloudPlugin {
  readonly hooks: Record<string, () => Promise<void>>;
  private readonly router = new LogRouter(useColour());
  private readonly say = this.router.channel("dockercoins");
  private readonly running: Stoppable[] = [];
  private settings!: LocalCloudSettings;
  private control: IORedis | undefined;
  private startedAt = 0;
  private queues = new Map<string, CreatedQueue>();
  private sqsClient: SQSClient | undefined;

  constructor(
    private readonly serverless: Serverless,
    _options: unknown,
    private readonly utils: PluginUtils,
  ) {
    this.hooks = {
      "before:offline:start:init": () => this.failingCleanly(() => this.startInfrastructure()),
      "before:offline:start:ready": () => this.failingCleanly(() => this.startEventSources()),
      "before:offline:start:end": () => this.shutdown(),
      // Stages that leave this machine (local, AWS) fail here, not at run time in a container.
      "before:package:initialize": async () =>
        (await import("./deploy-checks")).checkDeployStage(this.serverless),
    };
  }

  /**
   * A start that fails stops what it had started, and the process exits after serverless
   * prints the error: left alone, file watchers and servers would keep it running, half up.
   */
  private async failingCleanly(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      for (const component of [...this.running].reverse())
        await component.stop().catch(() => undefined);
      this.control?.disconnect();
      this.router.uninstall();
      setTimeout(() => process.exit(1), 500).unref();
      throw err;
    }
  }

  private async startInfrastructure(): Promise<void> {
    // From the process start, so the figure includes bundling the functions.
    this.startedAt = Date.now() - process.uptime() * 1000;
    this.router.install();
    // Until serverless-offline listens for Ctrl-C (once ready), a signal stops what we started:
    // redis-server runs in its own process group and would otherwise outlive us.
    process.once("SIGINT", this.abortStart);
    process.once("SIGTERM", this.abortStart);
    // The SDK warns that Node 20 support ends in 2027, once per process and worker thread.
    // Lambda runs Node 22; locally the warning is noise on every start (and copied to functions).
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    const { service } = this.serverless;
    this.settings = localCloudSettings(service.custom);
    const s = this.settings;
    this.say(
      `starting the local cloud for stage ${service.provider.stage}: redis, bridge, sqs, functions, dashboard`,
    );

    let redisUrl = s.redisUrl;
    if (redisUrl) {
      this.router.channel("redis")(`using REDIS_URL ${redisUrl}`);
    } else {
      const redis = await startRedisServer({
        port: s.redisPort,
        log: this.router.channel("redis"),
      });
      this.running.push({ name: "redis", stop: redis.stop });
      redisUrl = redis.url;
      this.router.channel("redis")(`ready on ${redis.url}`);
    }
    this.control = new IORedis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    await this.control.connect();
    await this.control.del(keys.halt);

    const token = String(service.provider.environment?.UPSTASH_REDIS_REST_TOKEN ?? "");
    const bridge = await startBridge({
      redisUrl,
      token,
      port: s.bridgePort,
      log: this.router.channel("bridge"),
    });
    this.running.push({ name: "bridge", stop: bridge.close });
    this.router.channel("bridge")(`Upstash REST bridge ready on ${bridge.url} (token ${token})`);

    const sqs = await startSqsEmulator({ port: s.sqsPort, log: this.router.channel("sqs") });
    this.running.push({ name: "sqs", stop: sqs.stop });
    this.queues = await createQueuesFromTemplate(sqs.client, service.resources?.Resources ?? {});
    this.sqsClient = sqs.client;
    const names = [...this.queues.values()].map((q) => q.name).join(", ");
    this.router.channel("sqs")(`fauxqs ready on ${sqs.endpoint}; queues: ${names || "none"}`);

    this.wireEnvironment(sqs.endpoint);
    const limits = await enforceReservedConcurrency(service.functions);
    if (limits)
      this.say(`reserved concurrency: ${limits} (calls over a limit wait for a free instance)`);
    await quietRequestNotices(this.utils);
  }

  /** Gives the functions what AWS would: resolved queue references, an SQS endpoint, credentials. */
  private wireEnvironment(sqsEndpoint: string): void {
    const { provider, functions } = this.serverless.service;
    provider.environment = {
      // The SDK reads these; only the local cloud sets them (Lambda forbids them in config).
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? "local",
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? "local",
      ...resolveEnvironment(provider.environment as never, this.queues),
    };
    for (const definition of Object.values(functions)) {
      definition.environment = resolveEnvironment(definition.environment as never, this.queues);
    }
  }

  private readonly abortStart = (): void => {
    this.say("interrupted while starting; stopping what was started");
    void Promise.allSettled([...this.running].reverse().map((c) => c.stop())).then(() =>
      process.exit(130),
    );
  };

  private async startEventSources(): Promise<void> {
    process.off("SIGINT", this.abortStart);
    process.off("SIGTERM", this.abortStart);
    const { service } = this.serverless;
    const s = this.settings;
    const invoke = lambdaInvoker(s.lambdaPort, service.provider.region);
    const client = this.sqsClient;
    if (!client) throw new Error("the SQS emulator did not start");
    for (const source of sqsEventSources(service.functions, this.queues)) {
      const poller = startQueuePoller({
        client,
        queueUrl: source.queue.url,
        queueArn: source.queue.arn,
        functionName: source.functionName,
        batchSize: source.batchSize,
        maxConcurrency: source.maxConcurrency,
        reportBatchItemFailures: source.reportBatchItemFailures,
        invoke: (event) => invoke(source.functionName, event),
        log: this.router.channel("poller"),
        // Ctrl-C has already drained the workers (drainWorkers); don't wait on stragglers.
        stopGraceMs: 1_000,
      });
      this.running.push({ name: `poller ${source.functionKey}`, stop: poller.stop });
      this.router.channel("poller")(
        `${source.queue.name} → ${source.functionKey} (batch ${source.batchSize}, up to ${source.maxConcurrency} at once)`,
      );
    }

    const stage = service.provider.stage;
    // The dashboard is TypeScript + uPlot: built (≈ 0.2 s) at every start, so edits show up
    // on the next `npm start`. The empty apiBase means "same origin" (this server forwards
    // the API); writing it spares the page a 404 for config.json, which browsers log as an error.
    const siteDir = join(this.serverless.serviceDir, "node_modules", ".cache", "dockercoins-site");
    await buildSite(siteDir, { config: { apiBase: "" } });
    const dashboard = await startDashboardServer({
      port: s.dashboardPort,
      siteDir,
      apiUrl: `http://127.0.0.1:${s.httpPort}/${stage}`,
      jsonCacheMs: s.jsonCacheMs,
      log: this.router.channel("dashboard"),
    });
    this.running.push({ name: "dashboard", stop: dashboard.close });

    await this.kickSupervisor(invoke);
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1);
    this.say(`ready in ${seconds} s`);
    this.say(`dashboard  ${dashboard.url}`);
    this.say(`api        http://127.0.0.1:${s.httpPort}/${stage}  (rng/32, hasher, json)`);
    const scaleToken = service.functions.scale?.environment?.SCALE_TOKEN;
    if (typeof scaleToken === "string") {
      this.say(`scale      npm run scale -- <N>   (PUT /workers, token ${scaleToken})`);
    }
    this.say("press Ctrl-C to stop everything");
  }

  /** Offline schedules first fire a minute after start; the workers should not wait that long. */
  private async kickSupervisor(invoke: ReturnType<typeof lambdaInvoker>): Promise<void> {
    const supervisor = this.serverless.service.functions.supervisor;
    if (!supervisor) return;
    const outcome = await invoke(supervisor.name ?? "supervisor", {
      source: "dockercoins.local-cloud",
    });
    if (!outcome.ok) this.say(`supervisor kick failed: ${outcome.error}`);
  }

  private async shutdown(): Promise<void> {
    const started = Date.now();
    this.say("stopping: workers flush their last counts");
    await this.drainWorkers();
    // Reverse start order: pollers and the dashboard first, Redis last.
    for (const component of [...this.running].reverse()) {
      await component
        .stop()
        .catch((err: unknown) =>
          this.say(`${component.name} did not stop cleanly: ${String(err)}`),
        );
    }
    this.say(`stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    this.router.uninstall();
  }

  /** Raises the halt flag and waits until no replica holds a lease (they flush, then release). */
  private async drainWorkers(): Promise<void> {
    const control = this.control;
    if (!control) return;
    try {
      await control.set(keys.halt, "1", "PX", HALT_TTL_MS);
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      while (Date.now() < deadline && (await control.zcount(keys.active, Date.now(), "+inf")) > 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } catch (err) {
      this.say(`could not drain workers: ${String(err)}`);
    } finally {
      control.disconnect();
    }
  }
}

function useColour(): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR) return true;
  return Boolean(process.stdout.isTTY);
}
