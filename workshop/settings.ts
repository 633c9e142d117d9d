/** The slides server's settings, read and validated once. */
import { type GuardPolicy, guardPolicy } from "../common/http-guard";
import { type Env, portSetting } from "../functions/shared/settings";

export interface SlidesSettings {
  /** SLIDES_PORT: where `npm run slides` listens on 127.0.0.1. */
  port: number;
  /** LOCAL_ALLOWED_HOSTS, LOCAL_ALLOWED_ORIGINS: what its guard lets through, as every local server. */
  guard: GuardPolicy;
}

const DEFAULT_SLIDES_PORT = 8090;

export function slidesSettings(env: Env = process.env): SlidesSettings {
  return { port: portSetting(env, "SLIDES_PORT", DEFAULT_SLIDES_PORT), guard: guardPolicy(env) };
}
