import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { scriptSettings } from "../../common/command-environment";
import {
  corsAllowedOrigins,
  localStackEnvironment,
} from "../../localstack/scripts/host/localstack-env";
import {
  composeDir,
  composeDownCommands,
  composeFiles,
  DOCKER_NETWORK,
  LOCALSTACK_VOLUME,
  REDIS_VOLUME,
  SRH_URL_IN_NETWORK,
} from "../../localstack/scripts/stack";

// `docker compose config` needs an engine, which this machine lacks: the compose files are
// parsed as YAML and checked for what the stage relies on.
interface Service {
  image: string;
  command?: string[];
  restart?: string;
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  networks?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval: string; retries: number };
}
interface Compose {
  name: string;
  services: Record<string, Service>;
  networks: Record<string, { name?: string }>;
  volumes: Record<string, { name?: string } | null>;
}

const read = (file: string) =>
  parse(readFileSync(join(composeDir, file), "utf8"), { strict: true }) as Compose;
const compose = read("docker-compose.yml");
const services = compose.services;
const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`no service ${name} in docker-compose.yml`);
  return found;
};

describe("localstack/docker-compose.yml", () => {
  it("runs LocalStack, Redis and SRH", () => {
    expect(Object.keys(services).sort()).toEqual(["localstack", "redis", "srh"]);
  });

  it("pins LocalStack by default to 4.14.0, the last community tag that needs no token", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation, not JavaScript
    expect(service("localstack").image).toBe("${LOCALSTACK_IMAGE:-localstack/localstack:4.14.0}");
    expect(service("localstack").environment).not.toHaveProperty("LOCALSTACK_AUTH_TOKEN");
  });

  it("pins Redis and SRH to exact tags", () => {
    for (const name of ["redis", "srh"]) {
      expect(service(name).image).toMatch(/^[\w./-]+:\d+\.\d+\.\d+(-[\w.]+)?$/);
    }
    expect(service("srh").image).toMatch(/^hiett\/serverless-redis-http:/);
  });

  it("mounts the Docker socket, which LocalStack's Lambda needs to start containers", () => {
    expect(service("localstack").volumes).toContain("/var/run/docker.sock:/var/run/docker.sock");
  });

  it("puts the API and S3 under LocalStack's CORS check, as host mode does", () => {
    const docker = service("localstack").environment ?? {};
    const host = localStackEnvironment({
      port: 4566,
      stateTmp: "/tmp/t",
      stateVolume: "/tmp/v",
      pluginDir: "/tmp/p",
      runtimeJs: "/tmp/r.cjs",
      nodeModules: "/tmp/n",
      nodeCache: "/tmp/c",
      esmConcurrency: 1,
      debug: false,
      extraOrigins: [],
    });
    for (const name of ["DISABLE_CUSTOM_CORS_APIGATEWAY", "DISABLE_CUSTOM_CORS_S3"]) {
      expect(docker[name], name).toBe("1");
      expect(host[name], name).toBe("1");
    }
    // The dashboard's path-style origin; `localstack:up` passes the same list to compose.
    expect(host.EXTRA_CORS_ALLOWED_ORIGINS).toBe("http://127.0.0.1:4566");
    expect(docker.EXTRA_CORS_ALLOWED_ORIGINS).toBe(
      "${EXTRA_CORS_ALLOWED_ORIGINS:-http://127.0.0.1:4566}",
    );
    expect(corsAllowedOrigins(4566, ["https://a.example"])).toBe(
      "http://127.0.0.1:4566,https://a.example",
    );
  });

  it("puts Lambda containers on a named network that every service joins", () => {
    expect(service("localstack").environment?.LAMBDA_DOCKER_NETWORK).toBe(DOCKER_NETWORK);
    // compose prefixes network names with the project's unless `name` is set.
    expect(Object.values(compose.networks).map((n) => n.name)).toEqual([DOCKER_NETWORK]);
    for (const name of Object.keys(services)) {
      expect(service(name).networks, name).toEqual(Object.keys(compose.networks));
    }
  });

  it("has a health check on every service, so `up --wait` returns when all are ready", () => {
    for (const name of Object.keys(services)) {
      const check = service(name).healthcheck;
      expect(check?.test[0], name).toBe("CMD");
      expect(check?.retries, name).toBeGreaterThan(0);
    }
    expect(service("srh").depends_on).toEqual({ redis: { condition: "service_healthy" } });
    expect(service("localstack").depends_on).toEqual({ srh: { condition: "service_healthy" } });
  });

  it("configures SRH as the functions of the local stage expect it", () => {
    expect(service("srh").environment).toEqual({
      SRH_MODE: "env",
      // No default: `localstack:up` passes the local stage's random token.
      SRH_TOKEN: "${SRH_TOKEN:?run npm run localstack:up, which passes the local stage's token}",
      SRH_CONNECTION_STRING: "redis://redis:6379",
    });
    // SRH listens on port 80; the functions call it by its service name.
    expect(SRH_URL_IN_NETWORK).toBe("http://srh:80");
  });

  it("keeps Redis's data in a named volume with an fsync'ed append-only file, and restarts it", () => {
    const command = service("redis").command ?? [];
    const option = (name: string) => command[command.indexOf(name) + 1];
    expect(command[0]).toBe("redis-server");
    expect(option("--appendonly")).toBe("yes");
    expect(option("--appendfsync")).toBe("always");
    expect(service("redis").volumes).toEqual([`redis-data:/data`]);
    expect(compose.volumes["redis-data"]?.name).toBe(REDIS_VOLUME);
    expect(compose.volumes["localstack-data"]?.name).toBe(LOCALSTACK_VOLUME);
    expect(service("localstack").volumes).toContain("localstack-data:/var/lib/localstack");
    for (const name of ["redis", "srh"]) expect(service(name).restart, name).toBe("unless-stopped");
  });

  it("has localstack:down keep Redis's volume, unless --reset", () => {
    const files = ["docker-compose.yml"];
    const kept = composeDownCommands(files, false);
    expect(kept).toEqual([
      ["compose", "-f", "docker-compose.yml", "down", "--remove-orphans"],
      ["volume", "rm", "--force", LOCALSTACK_VOLUME],
    ]);
    expect(kept.flat()).not.toContain(REDIS_VOLUME);
    expect(composeDownCommands(files, true)).toEqual([
      ["compose", "-f", "docker-compose.yml", "down", "--volumes", "--remove-orphans"],
    ]);
  });

  it("publishes LocalStack on loopback only", () => {
    expect(service("localstack").ports).toEqual(["127.0.0.1:4566:4566"]);
    expect(service("redis").ports).toBeUndefined();
    expect(service("srh").ports).toBeUndefined();
  });
});

describe("localstack/docker-compose.auth.yml", () => {
  const override = read("docker-compose.auth.yml");

  it("swaps in a newer image that requires LOCALSTACK_AUTH_TOKEN", () => {
    const localstack = override.services.localstack;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation, not JavaScript
    expect(localstack?.image).toBe("${LOCALSTACK_IMAGE:-localstack/localstack:latest}");
    expect(localstack?.environment?.LOCALSTACK_AUTH_TOKEN).toMatch(
      /^\$\{LOCALSTACK_AUTH_TOKEN:\?.+\}$/,
    );
  });

  it("is added by the scripts only when a token is set", () => {
    expect(composeFiles(scriptSettings({})).map((f) => f.slice(composeDir.length + 1))).toEqual([
      "docker-compose.yml",
    ]);
    expect(
      composeFiles(scriptSettings({ LOCALSTACK_AUTH_TOKEN: "ls-xyz" })).map((f) =>
        f.slice(composeDir.length + 1),
      ),
    ).toEqual(["docker-compose.yml", "docker-compose.auth.yml"]);
  });
});
