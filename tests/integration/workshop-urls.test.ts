import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LANGUAGES, loadSlides } from "../../workshop/deck";
import { type LocalUrl, localUrls } from "../../workshop/slide-claims";
import { type LocalCloud, type PortName, startLocalCloud } from "../support/launcher";

// Every local URL a slide of the workshop chapter opens (the dashboard, /json, rng…), in both
// languages, asked of a real local cloud: each must answer 200, as it will in the room. The
// slides name the default ports; this cloud runs on free ones, mapped here.
const DEFAULT_PORTS: Record<number, PortName> = { 3000: "api", 3002: "lambda", 8000: "dashboard" };

const urls: LocalUrl[] = [
  ...new Map(
    LANGUAGES.flatMap((language) => loadSlides(language))
      .flatMap((slide) => localUrls(`${slide.content}\n${slide.notes}`))
      .map((url) => [`${url.port}${url.path}`, url] as const),
  ).values(),
];

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ WORKER_REPLICAS: "1" });
});

afterAll(async () => {
  await cloud?.stop();
});

describe("the URLs on the workshop's slides", () => {
  it("are a few, on the local cloud's ports", () => {
    expect(urls.length).toBeGreaterThanOrEqual(3);
    expect(urls.filter((url) => DEFAULT_PORTS[url.port] === undefined)).toEqual([]);
  });

  it.each(urls.map((url) => [`:${url.port}${url.path}`, url] as const))(
    "%s answers 200 on a started local cloud",
    async (_name, url) => {
      const portName = DEFAULT_PORTS[url.port] ?? "api";
      const res = await fetch(`http://127.0.0.1:${cloud.ports[portName]}${url.path}`, {
        signal: AbortSignal.timeout(15_000),
      });
      const body = await res.arrayBuffer();
      expect(res.status, `${url.path}: ${Buffer.from(body).toString().slice(0, 200)}`).toBe(200);
      if (url.path === "/dev/rng/32") expect(body.byteLength).toBe(32);
    },
  );
});
