import { createServer } from "node:http";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../functions/shared/errors";
import hostCases from "../tests/fixtures/guard-hosts.json";
import {
  checkRequest,
  guardPolicy,
  isLoopbackHostname,
  LOOPBACK_ONLY,
  refuseForeign,
} from "./http-guard";

// One table of Host headers for every guard (LocalStack's gateway in host mode reads it too).
const { allowed: allowedHosts, refused: refusedHosts } = hostCases as {
  allowed: string[];
  refused: string[];
};
const allowedOrigins = [
  "http://127.0.0.1:8000",
  "http://localhost:8000",
  "http://[::1]:8000",
  "http://[::1]:1",
  "http://localhost",
  "https://localhost:5173",
  "http://dockercoins.localhost:8000",
  "http://127.0.0.2:4566",
  "HTTP://LOCALHOST:8000",
];
const refusedOrigins = [
  "http://evil.example",
  "http://evil.example:8000",
  "http://localhost.evil.example",
  "http://localhost.evil.example:8000",
  "http://127.0.0.1.evil.example",
  "http://127.0.0.1.nip.io:8000",
  "http://localhost.:8000",
  "http://127.0.0.1.:8000",
  "null",
  "file://",
  "chrome-extension://abcdef",
  "ftp://localhost",
  "http://evil.example@localhost", // userinfo: not an origin a browser sends
  "http://localhost:8000/path",
  "",
  "localhost:8000",
];

describe("checkRequest: the Host header (DNS rebinding)", () => {
  it.each(allowedHosts)("lets Host %j through", (host) => {
    expect(checkRequest({ host }, LOOPBACK_ONLY)).toEqual({ allowed: true });
  });
  it.each(refusedHosts)("refuses Host %j, naming the setting", (host) => {
    const verdict = checkRequest({ host }, LOOPBACK_ONLY);
    expect(verdict).toMatchObject({ allowed: false, check: "host" });
    if (!verdict.allowed) expect(verdict.message).toContain("LOCAL_ALLOWED_HOSTS");
  });
  it("lets a request without Host through (HTTP/1.0 tools; no browser omits it)", () => {
    expect(checkRequest({}, LOOPBACK_ONLY)).toEqual({ allowed: true });
  });
});

describe("checkRequest: the Origin header (drive-by pages)", () => {
  it.each(allowedOrigins)("lets Origin %j through", (origin) => {
    expect(checkRequest({ host: "127.0.0.1:3000", origin }, LOOPBACK_ONLY)).toEqual({
      allowed: true,
    });
  });
  it.each(refusedOrigins)("refuses Origin %j, naming the setting", (origin) => {
    const verdict = checkRequest({ host: "127.0.0.1:3000", origin }, LOOPBACK_ONLY);
    expect(verdict).toMatchObject({ allowed: false, check: "origin" });
    if (!verdict.allowed) expect(verdict.message).toContain("LOCAL_ALLOWED_ORIGINS");
  });
  it("lets a request without Origin through (curl, SDKs, the functions)", () => {
    expect(checkRequest({ host: "localhost:3000" }, LOOPBACK_ONLY)).toEqual({ allowed: true });
  });
  it("checks the Host first: a rebinding page sends its own name as both", () => {
    const verdict = checkRequest(
      { host: "evil.example:8000", origin: "http://evil.example:8000" },
      LOOPBACK_ONLY,
    );
    expect(verdict).toMatchObject({ allowed: false, check: "host" });
  });
});

describe("guardPolicy: LOCAL_ALLOWED_HOSTS and LOCAL_ALLOWED_ORIGINS", () => {
  it("is loopback only when neither is set", () => {
    expect(guardPolicy({})).toEqual(LOOPBACK_ONLY);
  });
  it("adds exact host names, and subdomains with a leading dot", () => {
    const policy = guardPolicy({ LOCAL_ALLOWED_HOSTS: "Devbox.lan, .example.test" });
    expect(policy.extraHosts).toEqual(["devbox.lan", ".example.test"]);
    expect(checkRequest({ host: "devbox.lan:8000" }, policy).allowed).toBe(true);
    expect(checkRequest({ host: "a.devbox.lan:8000" }, policy).allowed).toBe(false);
    expect(checkRequest({ host: "example.test" }, policy).allowed).toBe(true);
    expect(checkRequest({ host: "x.example.test:1" }, policy).allowed).toBe(true);
    expect(checkRequest({ host: "xexample.test" }, policy).allowed).toBe(false);
    // A page on an allowed host calls with its own origin.
    const fromAllowedHost = { host: "devbox.lan:8000", origin: "http://devbox.lan:8000" };
    expect(checkRequest(fromAllowedHost, policy).allowed).toBe(true);
  });
  it("adds exact origins, and nothing else of their hosts", () => {
    const policy = guardPolicy({ LOCAL_ALLOWED_ORIGINS: "https://workshop.example.org" });
    expect(policy.extraOrigins).toEqual(["https://workshop.example.org"]);
    const call = (origin: string) => checkRequest({ host: "127.0.0.1:3000", origin }, policy);
    expect(call("https://workshop.example.org").allowed).toBe(true);
    expect(call("http://workshop.example.org").allowed).toBe(false);
    expect(call("https://workshop.example.org:8443").allowed).toBe(false);
    // An allowed origin does not make its host name a loopback one.
    expect(checkRequest({ host: "workshop.example.org" }, policy).allowed).toBe(false);
  });
  it.each([
    ["LOCAL_ALLOWED_HOSTS", "http://devbox.lan"],
    ["LOCAL_ALLOWED_HOSTS", "devbox.lan:8000"],
    ["LOCAL_ALLOWED_HOSTS", "*.example"],
    ["LOCAL_ALLOWED_ORIGINS", "devbox.lan"],
    ["LOCAL_ALLOWED_ORIGINS", "null"],
    ["LOCAL_ALLOWED_ORIGINS", "https://a.example/path"],
  ])("fails at load on %s=%j, naming the variable", (name, value) => {
    expect(() => guardPolicy({ [name]: value })).toThrow(ConfigError);
    expect(() => guardPolicy({ [name]: value })).toThrow(name);
  });
});

describe("isLoopbackHostname", () => {
  it("knows the loopback names as URL.hostname writes them", () => {
    expect(
      ["localhost", "x.localhost", "127.0.0.1", "127.255.255.255", "[::1]"].every(
        isLoopbackHostname,
      ),
    ).toBe(true);
    expect(
      ["localhost.", "127.0.0.1.", "::1", "0.0.0.0", "10.0.0.1"].some(isLoopbackHostname),
    ).toBe(false);
  });
});

describe("refuseForeign", () => {
  /** The status line a node:http server guarded by refuseForeign answers a raw request with. */
  async function statusOf(headerLines: string[]): Promise<string> {
    const server = createServer((req, res) => {
      if (!refuseForeign(req, res, LOOPBACK_ONLY)) res.end("in");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      return await new Promise<string>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1", () =>
          socket.write(
            `GET / HTTP/1.1\r\n${headerLines.join("\r\n")}\r\nConnection: close\r\n\r\n`,
          ),
        );
        let reply = "";
        socket.on("data", (chunk) => {
          reply += chunk.toString("latin1");
        });
        socket.on("end", () => resolve(reply.split("\r\n")[0] ?? ""));
        socket.on("error", reject);
      });
    } finally {
      server.close();
    }
  }

  it("lets a loopback request through and refuses a foreign Origin with 403", async () => {
    expect(await statusOf(["Host: 127.0.0.1", "Origin: http://localhost:8000"])).toMatch(/ 200 /);
    expect(await statusOf(["Host: 127.0.0.1", "Origin: https://evil.example"])).toMatch(/ 403 /);
  });

  it("refuses a request carrying two Origins, even loopback ones (Node joins them)", async () => {
    const origin = "Origin: http://127.0.0.1:8000";
    expect(await statusOf(["Host: 127.0.0.1", origin, origin])).toMatch(/ 403 /);
  });
});
