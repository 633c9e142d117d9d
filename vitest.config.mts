import { defineConfig } from "vitest/config";

// The AWS SDK warns on Node 20 that its 2027 releases need Node 22; Lambda runs 24 already.
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

// Unit tests sit beside the code they test. Integration tests start real components
// (redis-server, the Upstash bridge, fauxqs, serverless-offline), so they run one file at a
// time to stay within a 2-core machine.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "functions/**/*.test.ts",
            "common/**/*.test.ts",
            "offline/**/*.test.ts",
            "bench/**/*.test.ts",
            "scripts/**/*.test.ts",
            "localstack/**/*.test.ts",
            "scripts/**/*.test.ts",
            "workshop/**/*.test.ts",
          ],
          environment: "node",
          env,
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          env,
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The dashboard in headless Chromium against the real local cloud (tests/e2e/). It runs
        // after the other projects (groupOrder), so that its timing checks do not share the
        // 2 cores with another local cloud.
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          env,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The `local` stage on a real LocalStack in host mode (tests/localstack/): localstack:up,
        // deploy:local, smoke:local, remove:local, localstack:down, about 6 minutes (plus about
        // 2 the first time, for LocalStack's virtualenv). Not part of `npm test`;
        // `npm run test:localstack` runs it, and so does CI.
        test: {
          name: "localstack",
          include: ["tests/localstack/**/*.test.ts"],
          environment: "node",
          env,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
      {
        // Load tests (tests/load/): 30 s runs on the real local cloud. Not part of `npm test`
        // (which excludes this project); `npm run test:load` runs them, and so does CI.
        test: {
          name: "load",
          include: ["tests/load/**/*.test.ts"],
          environment: "node",
          env,
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
