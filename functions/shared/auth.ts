import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Checks an `Authorization: Bearer <token>` header in constant time. Hashing both sides first
 * gives timingSafeEqual the equal lengths it needs without leaking the token's length.
 * Shared by the scale endpoint and the local Upstash bridge.
 */
export function isAuthorized(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(authorization ?? "");
  if (!match?.[1] || token === "") return false;
  return timingSafeEqual(sha256(match[1]), sha256(token));
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
