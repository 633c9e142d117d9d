import { createHash } from "node:crypto";
import { PayloadTooLargeError } from "../shared/errors";

/**
 * The raw request body as bytes. API Gateway (and serverless-offline) deliver binary media
 * types base64-encoded and everything else as text, which is hashed as its UTF-8 bytes.
 */
export function bodyBytes(body: string | null, isBase64Encoded: boolean, maxBytes: number): Buffer {
  if (body === null) return Buffer.alloc(0);
  // Check the size before decoding, so an oversized body costs no allocation.
  const size = isBase64Encoded ? base64DecodedLength(body) : Buffer.byteLength(body, "utf8");
  if (size > maxBytes) {
    throw new PayloadTooLargeError(`body is ${size} bytes; at most ${maxBytes} (HASHER_MAX_BYTES)`);
  }
  return isBase64Encoded ? Buffer.from(body, "base64") : Buffer.from(body, "utf8");
}

function base64DecodedLength(b64: string): number {
  const padding = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - padding;
}

export const sha256Hex = (bytes: Uint8Array): string =>
  createHash("sha256").update(bytes).digest("hex");
