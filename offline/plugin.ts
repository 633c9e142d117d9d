import { forServerless } from "../common/errors";
import { cloudRedis } from "../common/redis/local-redis";
import type { RedisKeepsDyingError } from "../common/redis/supervisor";
import { startBridge } from "../common/upstash-bridge/server";
import { cliOptions, type LocalCloudOptions } from "./cli-options";
import { localCloudReporter } from "./cloud/reporter";
import { DockerCoinsLocal } from "./dockercoins";
import {
  exposeToSharedPackages,
  localCloudEnvironment,
  silenceSdkNodeVersionWarning,
} from "./environment";
import { bundleFunctions, type EsbuildSettings } from "./serverless/function-bundles";
import type { FunctionRunner } from "./serverless/function-runner";
import {
  functionSpecs,
  type RunnableFunction,
  type RunnableService,
  sharedAwsSettings,
} from "./serverless/function-specs";
import { extendOfflineServers } from "./serverless/hapi-servers";
import { fillLocalTokens } from "./serverless/local-tokens";
import {
  checkedServerlessOffline,
  type PluginUtils,
  preloadOffline,
  quietRequestNotices,
  runFunctionsInSandboxes,
  type ServerlessOffline,
} from "./serverless/offline-internals";
import type { Serverless } from "./serverless/serverless-instance";
import {
  type FunctionDefinition,
  type LocalCloudSettings,
  localCloudSettings,
  resolveEnvironment,
  sqsEventSources,
} from "./serverless/service-definition";
import {
  createQueuesFromTemplate,
  type Queue,
  type SqsEmulator,
  startSqsEmulator,
} from "./sqs/emulator";
import { startEventSourcePollers } from "./sqs/event-source-pollers";
import { LogRouter } from "./terminal/router";

type Stoppable = { name: string; stop: () => Promise<void> };

/**
 * The local cloud for `serverless offline start`: Redis, the Upstash REST bridge, SQS
 * (fauxqs) with the queues of serverless.yml, event-source pollers, the dashboard. It starts
 * before serverless-offline, feeds its functions once it listens, and drains on Ctrl-C. This
 * file is the lifecycle only: each component is a wing of offline/, and what is particular
 * to DockerCoins is in dockercoins.ts.
 */
export class LocalCloudPlugin {
  readonly hooks: Record<string, () => Promise<void>>;
  private readonly environment = localCloudEnvironment();
  private readonly router = new LogRouter(this.environment.colour);
  private readonly say = this.router.channel("dockercoins");
  private readonly running: Stoppable[] = [];
  private settings!: LocalCloudSettings;
  private app: DockerCoinsLocal | undefined;
  private runner: FunctionRunner | undefined;
  private startedAt = 0;
  private queues = new Map<string, Queue>();
  private sqs: SqsEmulator | undefined;
  private offline!: ServerlessOffline;
  /** PUT /workers' token (the local one unless SCALE_TOKEN is set): the page and banner show it. */
  private scaleToken: string | undefined;
  private gaveUp = false; // redis-server kept dying: the local cloud stops, then exits 1
  readonly commands = cliOptions;

  constructor(
    private readonly serverless: Serverless,
    private readonly options: LocalCloudOptions,
    private readonly utils: PluginUtils,
  ) {
    this.hooks = {
      "before:offline:start:init": () => this.failingCleanly(() => this.startInfrastructure()),
      "before:offline:start:ready": () => this.failingCleanly(() => this.startEventSources()),
      "before:offline:start:end": () => this.shutdown(),
      // Stages that leave this machine (local, AWS) fail here, not at run time in a container.
      "before:package:initialize": async () =>
        (await import("./packaging/deploy-checks")).checkDeployStage(this.serverless),
    };
  }

  /**
   * A start that fails stops what it had started, and the process exits after serverless
   * prints the error (errors raised on purpose without a stack: errors.ts); left alone, file
   * watchers and servers would keep it running, half up.
   */
  private async failingCleanly(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      await this.stopAll();
      this.router.uninstall();
      setTimeout(() => process.exit(1), 500).unref();
      throw forServerless(err, this.serverless.classes.Error);
    }
  }

  private async startInfrastructure(): Promise<void> {
    // From the process start, so the figure includes bundling the functions.
    this.startedAt = Date.now() - process.uptime() * 1000;
    // First of all: on a serverless-offline release it was not written for, nothing starts.
    this.offline = checkedServerlessOffline(this.serverless.serviceDir);
    // Its API and invoke API: only this machine's pages get in; failures carry their type.
    extendOfflineServers(this.offline.dir, this.environment.guard);
    this.router.install();
    // Until serverless-offline listens for Ctrl-C (once ready), a signal stops what we started.
    process.once("SIGINT", this.abortStart);
    process.once("SIGTERM", this.abortStart);
    silenceSdkNodeVersionWarning();
    const { service } = this.serverless;
    this.settings = localCloudSettings(service.custom);
    const s = this.settings;
    this.say(
      `starting the local cloud for stage ${service.provider.stage}: redis, bridge, sqs, functions, dashboard`,
    );
    // esbuild bundles in a process of its own: the functions build while Redis, the bridge
    // and SQS start.
    const bundling = this.bundleFunctions();
    bundling.catch(() => undefined); // awaited below; a failure is reported there
    const preloading = preloadOffline(this.offline);
    preloading.catch(() => undefined); // serverless-offline imports them again, failing loudly

    const redis = await cloudRedis(s, {
      serviceDir: this.serverless.serviceDir,
      fresh: this.options.fresh === true,
      log: this.router.channel("redis"),
      onGiveUp: (err) => this.giveUp(err),
    });
    if (redis.stop) this.running.push({ name: "redis", stop: redis.stop });

    const tokens = fillLocalTokens(service, this.serverless.serviceDir, s.stateDir);
    if (tokens.note) this.say(tokens.note);
    this.scaleToken = tokens.scaleToken;
    const token = tokens.redisRestToken;
    const { guard } = this.environment;
    const bridgeLog = this.router.channel("bridge");
    const bridge = await startBridge({
      redisUrl: redis.url,
      token,
      port: s.bridgePort,
      guard,
      log: bridgeLog,
    });
    this.running.push({ name: "bridge", stop: bridge.close });
    bridgeLog(`Upstash REST bridge ready on ${bridge.url} (token ${token})`);
    this.app = await DockerCoinsLocal.attach(bridge.url, token);
    this.say(await this.app.startingPoint(service.provider.environment?.WORKER_REPLICAS));

    const sqsLog = this.router.channel("sqs");
    const sqs = await startSqsEmulator({ port: s.sqsPort, guard, log: sqsLog });
    this.running.push({ name: "sqs", stop: sqs.stop });
    this.queues = await createQueuesFromTemplate(sqs.client, service.resources?.Resources ?? {});
    this.sqs = sqs;
    const names = [...this.queues.values()].map((q) => q.name).join(", ");
    sqsLog(`fauxqs ready on ${sqs.endpoint}; queues: ${names || "none"}`);

    this.wireEnvironment(sqs.endpoint);
    const bundles = await bundling;
    this.running.push({ name: "function bundles", stop: bundles.close });
    await this.runFunctions(bundles.dir);
    await preloading.catch(() => undefined);
    await quietRequestNotices(this.offline, this.utils);
  }

  /** Gives the functions what AWS would: resolved queue references, an SQS endpoint, credentials. */
  private wireEnvironment(sqsEndpoint: string): void {
    const { provider, functions } = this.serverless.service;
    const { accessKeyId, secretAccessKey } = this.environment.awsCredentials;
    provider.environment = {
      // The SDK reads these; only the local cloud sets them (Lambda forbids them in config).
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      ...resolveEnvironment(provider.environment as never, this.queues),
    };
    for (const definition of Object.values(functions)) {
      definition.environment = resolveEnvironment(definition.environment as never, this.queues);
    }
  }

  /** One bundle per handler, as serverless-esbuild makes them for a deploy; rebuilt on edits. */
  private bundleFunctions() {
    const { service, serviceDir } = this.serverless;
    return bundleFunctions({
      serviceDir,
      handlers: Object.values(service.functions).map((fn) => fn.handler),
      esbuild: (service.custom?.esbuild ?? {}) as EsbuildSettings,
      watchDir: this.settings.watch,
      onRebuilt: (ms) => {
        this.runner?.reload();
        this.say(`functions rebuilt in ${ms} ms; the next calls start fresh instances`);
      },
      onError: (err) => this.say(`rebuilding the functions failed: ${String(err)}`),
    });
  }

  /** Functions run in a sandbox (a worker thread) each, a module scope per instance. */
  private async runFunctions(codeDir: string): Promise<void> {
    const specs = functionSpecs(this.serverless.service, this.environment.awsVariables);
    exposeToSharedPackages(sharedAwsSettings(specs));
    this.runner = await runFunctionsInSandboxes(this.offline, specs, codeDir, {
      idleMs: this.settings.functionIdleSeconds * 1000,
      log: this.router.channel("functions"),
      injectFault: this.environment.injectFault,
    });
    const runner = this.runner;
    this.running.push({ name: "function sandboxes", stop: () => runner.close() });
    const limits = [...specs.values()]
      .filter((spec) => spec.reservedConcurrency !== undefined)
      .map((spec) => `${spec.name} ${spec.reservedConcurrency}`);
    if (limits.length > 0) {
      this.say(
        `reserved concurrency: ${limits.join(", ")} (calls over a limit wait for a free instance)`,
      );
    }
  }

  private readonly abortStart = (): void => {
    this.say("interrupted while starting; stopping what was started");
    void this.stopAll().then(() => process.exit(130));
  };

  private async startEventSources(): Promise<void> {
    process.off("SIGINT", this.abortStart);
    process.off("SIGTERM", this.abortStart);
    const { service } = this.serverless;
    const s = this.settings;
    const runner = this.runner;
    if (!runner) throw new Error("the functions did not start");
    const invoke = (name: string, payload: unknown) => runner.invoke(name, payload);
    const { sqs, app } = this;
    if (!sqs || !app) throw new Error("the local cloud's infrastructure did not start");
    const sources = sqsEventSources(service.functions, this.queues);
    this.running.push(
      ...startEventSourcePollers(sources, sqs, invoke, this.router.channel("poller")),
    );

    const apiUrl = `http://127.0.0.1:${s.httpPort}/${service.provider.stage}`;
    const dashboard = await app.startDashboard({
      serviceDir: this.serverless.serviceDir,
      port: s.dashboardPort,
      apiUrl,
      jsonCacheMs: s.jsonCacheMs,
      hostStats: (gc) => this.runner?.sandboxStats(gc) ?? Promise.resolve(undefined),
      guard: this.environment.guard,
      scaleToken: this.scaleToken,
      cloudReport: localCloudReporter({
        stage: service.provider.stage,
        functionStates: () => runner.functionStates(),
        queues: [...this.queues.values()],
        depths: (name) => sqs.depths(name),
      }),
      log: this.router.channel("dashboard"),
    });
    this.running.push({ name: "dashboard", stop: dashboard.close });

    const { supervisor } = service.functions;
    if (supervisor) await app.kickSupervisor(invoke, supervisor.name ?? "supervisor", this.say);
    this.say(`ready in ${((Date.now() - this.startedAt) / 1000).toFixed(1)} s`);
    app.banner(this.say, { dashboard: dashboard.url, api: apiUrl, scaleToken: this.scaleToken });
    this.say("press Ctrl-C to stop everything");
  }

  /** redis-server kept dying: say why, and stop as Ctrl-C would (then exit 1). */
  private giveUp(err: RedisKeepsDyingError): void {
    this.gaveUp = true;
    this.say(`ERROR ${err.message}`);
    process.kill(process.pid, "SIGINT");
  }

  private async shutdown(): Promise<void> {
    const started = Date.now();
    this.say("stopping: workers flush their last counts");
    await this.app?.drainWorkers(this.say);
    await this.stopAll();
    this.say(`stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    this.router.uninstall();
    // serverless-offline exits 0 after this hook; a local cloud that gave up did not succeed.
    if (this.gaveUp) process.exit(1);
  }

  /** Reverse start order: pollers and the dashboard first, Redis last. */
  private async stopAll(): Promise<void> {
    for (const component of this.running.splice(0).reverse()) {
      await component
        .stop()
        .catch((err: unknown) =>
          this.say(`${component.name} did not stop cleanly: ${String(err)}`),
        );
    }
  }
}
