import { BadRequestError } from "../shared/errors";

/**
 * Parses the `{bytes}` path parameter: a plain decimal integer from 0 to `max`. Signs,
 * leading zeros, exponents and fractions are refused rather than guessed at.
 */
export function parseByteCount(raw: string | undefined, max: number): number {
  if (raw === undefined || raw === "") {
    throw new BadRequestError("missing byte count: ask for /rng/<bytes>, e.g. /rng/32");
  }
  if (!/^(0|[1-9]\d*)$/.test(raw)) {
    throw new BadRequestError(
      `byte count must be a whole number from 0 to ${max} without sign or leading zeros, got "${raw}"`,
    );
  }
  const count = Number(raw);
  if (count > max) {
    throw new BadRequestError(`byte count must be at most ${max} (RNG_MAX_BYTES), got ${raw}`);
  }
  return count;
}
