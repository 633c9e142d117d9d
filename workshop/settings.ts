/** The slides server's one setting, read and validated once. */
import { type Env, portSetting } from "../functions/shared/settings";

export interface SlidesSettings {
  /** SLIDES_PORT: where `npm run slides` listens on 127.0.0.1. */
  port: number;
}

export const DEFAULT_SLIDES_PORT = 8090;

export function slidesSettings(env: Env = process.env): SlidesSettings {
  return { port: portSetting(env, "SLIDES_PORT", DEFAULT_SLIDES_PORT) };
}
