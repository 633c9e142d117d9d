import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LANGUAGES, loadSlides } from "../../workshop/deck";
import { type LocalUrl, localUrls, SLIDE_PORTS } from "../../workshop/slide-claims";
import { type LocalCloud, startLocalCloud } from "../support/launcher";

// Every local URL a slide of the workshop chapter opens (the dashboard, /json, rng…), in both
// languages, asked of a real local cloud: each must answer 200, as it will in the room. The
// slides name the default ports (only those: workshop/chapter.test.ts); this cloud runs on free
// ones, mapped through SLIDE_PORTS.

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
  it("are a few", () => {
    expect(urls.length).toBeGreaterThanOrEqual(3);
  });

  it.each(urls.map((url) => [`:${url.port}${url.path}`, url] as const))(
    "%s answers 200 on a started local cloud",
    async (_name, url) => {
      const portName = SLIDE_PORTS[url.port] ?? "api";
      const res = await fetch(`http://127.0.0.1:${cloud.ports[portName]}${url.path}`, {
        signal: AbortSignal.timeout(15_000),
      });
      const body = await res.arrayBuffer();
      expect(res.status, `${url.path}: ${Buffer.from(body).toString().slice(0, 200)}`).toBe(200);
      if (url.path === "/dev/rng/32") expect(body.byteLength).toBe(32);
    },
  );
});
