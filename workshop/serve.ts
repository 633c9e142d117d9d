/**
 * `npm run slides`: serves the chapter in both languages on 127.0.0.1 until Ctrl-C.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { LANGUAGES } from "./deck";
import { slidesSettings } from "./settings";
import { type RequestGuard, startSlidesServer } from "./slides-server";

/**
 * The check every request meets first. The slides are public and read-only (no token, no
 * state), so every request is admitted here; the project's shared Host/Origin guard replaces
 * this function, with the same signature, when it lands.
 */
const admitRequest: RequestGuard = (_req: IncomingMessage, _res: ServerResponse) => true;

export async function main(): Promise<void> {
  const { port } = slidesSettings();
  const server = await startSlidesServer(port, admitRequest);
  const base = `http://127.0.0.1:${port}`;
  console.log(`slides: ${LANGUAGES.map((l) => `${base}/${l}/`).join("  ")}`);
  console.log("keys: → ← to move, p presenter mode (notes), c second screen, f full screen");
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections(); // a browser's keep-alive connections would hold the close
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
