/** Port checks for tests: the same as the LocalStack scripts use (common/ports.ts), and who listens. */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export { portIsClosed } from "../../common/ports";

/**
 * The addresses listening on TCP `port` (Linux /proc): IPv4 ones dotted ("127.0.0.1"), IPv6
 * ones as "ipv6 <hex>" (any of them means the port is open beyond IPv4 loopback).
 */
export function listeningAddresses(port: number): string[] {
  const addresses: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const [local, , state] = line.trim().split(/\s+/).slice(1, 4);
      const [hexAddress, hexPort] = (local ?? "").split(":");
      // State 0A is LISTEN; an IPv4 address is little-endian hex.
      if (state !== "0A" || Number.parseInt(hexPort ?? "", 16) !== port || !hexAddress) continue;
      if (table.endsWith("6")) {
        addresses.push(`ipv6 ${hexAddress}`);
        continue;
      }
      const bytes = (hexAddress.match(/../g) ?? []).map((b) => Number.parseInt(b, 16)).reverse();
      addresses.push(bytes.join("."));
    }
  }
  return addresses;
}

/** Serves `handler` on a free loopback port; returns its base URL and the server. */
export async function serve(
  handler: Parameters<typeof createServer>[1],
): Promise<[string, Server]> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [`http://127.0.0.1:${(server.address() as AddressInfo).port}`, server];
}
