/**
 * The environment of host mode's LocalStack process (`python -m localstack.runtime.main`):
 * loopback only, nothing fetched from the internet at start, functions run by the host
 * executor. The names are LocalStack 4.13.1's (`localstack/config.py`); localstack/README.md
 * says why each is set.
 */
import { childEnvironment } from "../../../common/command-environment";

export interface LocalStackEnvInput {
  port: number;
  stateTmp: string;
  stateVolume: string;
  pluginDir: string;
  runtimeJs: string;
  /** Holds @aws-sdk/*, which the AWS Node.js runtimes ship and our bundles leave out. */
  nodeModules: string;
  /** Where node<major>-<version>/ installs of the registry's `node` package are looked for. */
  nodeCache: string;
  esmConcurrency: number;
  debug: boolean;
  /** LOCAL_ALLOWED_ORIGINS (common/http-guard.ts): origins allowed beside the dashboard's. */
  extraOrigins: readonly string[];
}

/**
 * LocalStack's EXTRA_CORS_ALLOWED_ORIGINS: the dashboard's path-style origin
 * (http://127.0.0.1:<port>/dockercoins-site/…) and the user's extra origins. LocalStack allows
 * http://localhost:<port> and the S3 website origins (*.s3-website.localhost.localstack.cloud)
 * by itself; every other page gets 403 from its CORS check, simple requests included.
 */
export function corsAllowedOrigins(port: number, extraOrigins: readonly string[]): string {
  return [`http://127.0.0.1:${port}`, ...extraOrigins].join(",");
}

/**
 * The SQS event source mapping's poller: after an empty poll LocalStack backs off up to 10 s
 * by default (localstack#11003), which would be the gap between a ticket and its worker.
 * With these and the worker's `maximumBatchingWindow: 20` (a long poll that returns at the
 * first message) a ticket starts its worker within 0.22 s (p50 57 ms, measured by the
 * prototype of this mode), and idle LocalStack uses
 * 0.3 % of a core (measured with the stack deployed).
 */
const ESM_MAX_BACKOFF_ON_EMPTY_POLL_SECONDS = "0.5";
const ESM_POLL_INTERVAL_SECONDS = "0.1";

export function localStackEnvironment(input: LocalStackEnvInput): NodeJS.ProcessEnv {
  const listen = `127.0.0.1:${input.port}`;
  return childEnvironment({
    // The stock twisted server ignores GATEWAY_LISTEN's host (binds 0.0.0.0); ours does not.
    GATEWAY_LISTEN: listen,
    GATEWAY_SERVER: "twisted-loopback",
    // What URLs in answers carry: queue URLs that resolve here (no *.localstack.cloud DNS).
    LOCALSTACK_HOST: listen,
    SQS_ENDPOINT_STRATEGY: "path",
    // No DNS server (it would bind port 53 on every interface), no certificate download, no
    // analytics, no persistence.
    DNS_ADDRESS: "0",
    SKIP_SSL_CERT_DOWNLOAD: "1",
    DISABLE_EVENTS: "1",
    PERSISTENCE: "0",
    LOCALSTACK_VOLUME_DIR: input.stateVolume,
    // Python's tempfile honours TMP (LocalStack warns about TMPDIR, an old setting of its own).
    TMP: input.stateTmp,
    PYTHONPATH: input.pluginDir,
    LAMBDA_RUNTIME_EXECUTOR: "host",
    LAMBDA_HOST_RUNTIME_JS: input.runtimeJs,
    // A function's runtime major picks its node (LAMBDA_HOST_NODE_BIN_<major>, this cache,
    // PATH: the executor's node.py); this one runs any other, with a warning in the log.
    LAMBDA_HOST_NODE_BIN: process.env.LAMBDA_HOST_NODE_BIN || process.execPath,
    LAMBDA_HOST_NODE_CACHE: process.env.LAMBDA_HOST_NODE_CACHE || input.nodeCache,
    LAMBDA_HOST_NODE_PATH: input.nodeModules,
    HOST_EXECUTOR_SQS_ESM_CONCURRENCY: String(input.esmConcurrency),
    LAMBDA_EVENT_SOURCE_MAPPING_MAX_BACKOFF_ON_EMPTY_POLL_SEC:
      ESM_MAX_BACKOFF_ON_EMPTY_POLL_SECONDS,
    LAMBDA_EVENT_SOURCE_MAPPING_POLL_INTERVAL_SEC: ESM_POLL_INTERVAL_SECONDS,
    IN_MEMORY_CLIENT: "1",
    DISABLE_BOTO_RETRIES: "1",
    HOST_EXECUTOR_LAMBDA_METRICS: "0",
    // The user's API Gateway under LocalStack's own CORS check (its default leaves execute-api
    // calls to the API's `cors:` settings, which answer any origin): a foreign Origin gets 403
    // before the API runs. Host names are checked by our gateway server (host_guard.py).
    DISABLE_CUSTOM_CORS_APIGATEWAY: "1",
    // The same for S3, whose own CORS handling lets a foreign page's PUT through (it only
    // decides which headers to answer): without this, any page could replace the dashboard.
    DISABLE_CUSTOM_CORS_S3: "1",
    EXTRA_CORS_ALLOWED_ORIGINS: corsAllowedOrigins(input.port, input.extraOrigins),
    DEBUG: input.debug ? "1" : "0",
  });
}
