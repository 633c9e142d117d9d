import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

/**
 * Names this function instance, as the original's banners named their container. Lambda
 * reuses a module while warm, so the id is stable for one instance and differs between them.
 */
export const instanceName = `${hostname()}/${randomBytes(4).toString("hex")}`;
