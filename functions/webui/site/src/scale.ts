/**
 * The scale control's rules. The token is the user's secret: it lives in their browser's
 * localStorage under this key, is sent only as a Bearer header, and never appears in the page.
 */
export const TOKEN_KEY = "dockercoins.scaleToken";

export type Parsed = { ok: true; value: number } | { ok: false; error: string };

export function parseReplicas(input: string): Parsed {
  const text = input.trim();
  if (!/^\d+$/.test(text)) return { ok: false, error: "Enter a whole number of workers." };
  const value = Number(text);
  if (!Number.isSafeInteger(value)) return { ok: false, error: "That is too many workers." };
  // The upper bound is the API's (WORKER_MAX_REPLICAS): its 400 message names it.
  return { ok: true, value };
}

export interface Outcome {
  ok: boolean;
  message: string;
}

/** Words for each answer of PUT /workers (200 {desired, previous}, 401/400 {error}). */
export function scaleOutcome(status: number, body: unknown): Outcome {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const error = typeof fields.error === "string" ? fields.error : null;
  if (status >= 200 && status < 300) {
    const desired = typeof fields.desired === "number" ? fields.desired : null;
    const previous = typeof fields.previous === "number" ? fields.previous : null;
    if (desired === null) return { ok: true, message: "Scale request accepted." };
    const from = previous === null || previous === desired ? "" : ` (was ${previous})`;
    return { ok: true, message: `Desired workers set to ${desired}${from}.` };
  }
  if (status === 401 || status === 403) {
    return { ok: false, message: `Token refused${error ? `: ${error}` : ""}. Check the token.` };
  }
  if (status === 400) return { ok: false, message: error ?? "The API refused that number." };
  if (status === 404) return { ok: false, message: "This API has no scale endpoint." };
  return { ok: false, message: `Scaling failed (HTTP ${status})${error ? `: ${error}` : ""}.` };
}

/** localStorage can throw (storage disabled, private modes): the page must still work. */
export function readToken(storage: Pick<Storage, "getItem"> | undefined): string {
  try {
    return storage?.getItem(TOKEN_KEY) ?? "";
  } catch {
    return "";
  }
}

export function writeToken(
  storage: Pick<Storage, "setItem" | "removeItem"> | undefined,
  token: string,
): boolean {
  try {
    if (token === "") storage?.removeItem(TOKEN_KEY);
    else storage?.setItem(TOKEN_KEY, token);
    return storage !== undefined;
  } catch {
    return false;
  }
}
