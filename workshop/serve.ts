/**
 * `npm run slides`: serves the chapter in both languages on 127.0.0.1 until Ctrl-C.
 */
import { LANGUAGES } from "./deck";
import { slidesSettings } from "./settings";
import { startSlidesServer } from "./slides-server";

export async function main(): Promise<void> {
  const { port, guard } = slidesSettings();
  const { server, url } = await startSlidesServer(port, guard);
  console.log(`slides: ${LANGUAGES.map((l) => `${url}/${l}/`).join("  ")}`);
  console.log("keys: → ← to move, p presenter mode (notes), c second screen, f full screen");
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections(); // a browser's keep-alive connections would hold the close
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
