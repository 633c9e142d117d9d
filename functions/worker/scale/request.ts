import { BadRequestError } from "../../shared/errors";

/**
 * Reads `{"replicas": N}` from a scale request body: N a whole number from 0 to `max`.
 * Everything else is refused with a message that says what was expected.
 */
export function parseScaleRequest(
  body: string | null,
  isBase64Encoded: boolean,
  max: number,
): number {
  const text =
    isBase64Encoded && body !== null ? Buffer.from(body, "base64").toString("utf8") : body;
  let value: unknown;
  try {
    value = JSON.parse(text ?? "");
  } catch {
    throw new BadRequestError('body must be JSON like {"replicas": 3}');
  }
  const replicas = (value as { replicas?: unknown } | null)?.replicas;
  if (
    typeof replicas !== "number" ||
    !Number.isInteger(replicas) ||
    replicas < 0 ||
    replicas > max
  ) {
    throw new BadRequestError(
      `replicas must be a whole number from 0 to ${max} (WORKER_MAX_REPLICAS), got ${JSON.stringify(replicas)}`,
    );
  }
  return replicas;
}
