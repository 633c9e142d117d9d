/**
 * The poll loop's state, kept pure so that its timing rules are unit-tested: one request at a
 * time (the next is scheduled only once the previous one settled, so a slow API never piles
 * requests up), once a second while the API answers, backing off up to a few seconds while
 * it does not, and back to once a second on the first answer.
 */
export const POLL_INTERVAL_MS = 1_000;
/** A request not answered by then counts as a failure (a hung API must not freeze the page). */
export const REQUEST_TIMEOUT_MS = 2_500;
/** Retries slow down to this while the API is down: quick to recover, light on the API. */
export const MAX_BACKOFF_MS = 5_000;

export type Status = "connecting" | "live" | "reconnecting";

export interface ConnectionState {
  status: Status;
  /** Consecutive failed polls. */
  failures: number;
  /** Epoch ms of the last good answer. */
  lastOkAt: number | null;
  lastError: string | null;
}

export const initialConnection = (): ConnectionState => ({
  status: "connecting",
  failures: 0,
  lastOkAt: null,
  lastError: null,
});

export const onSuccess = (_state: ConnectionState, nowMs: number): ConnectionState => ({
  status: "live",
  failures: 0,
  lastOkAt: nowMs,
  lastError: null,
});

export const onFailure = (state: ConnectionState, error: string): ConnectionState => ({
  // Before the first answer there is nothing to "lose": keep saying "connecting".
  status: state.lastOkAt === null && state.status === "connecting" ? "connecting" : "reconnecting",
  failures: state.failures + 1,
  lastOkAt: state.lastOkAt,
  lastError: error,
});

/**
 * How long to wait before the next poll, given how long the last one took. While live, polls
 * start once a second (not one second after each answer, which would drift to 1.x s).
 */
export function nextDelayMs(state: ConnectionState, elapsedMs: number): number {
  if (state.failures === 0) return Math.max(0, POLL_INTERVAL_MS - elapsedMs);
  const backoff = Math.min(POLL_INTERVAL_MS * 2 ** (state.failures - 1), MAX_BACKOFF_MS);
  return Math.max(0, backoff - elapsedMs);
}

/**
 * The banner's words: a live region, so it changes only with the state (a screen reader hears
 * "connection lost" once, not a countdown). Colour is only a second signal: the words and the
 * symbol carry the state.
 */
export function statusText(state: ConnectionState): string {
  if (state.status === "live") return "● Live";
  if (state.status === "connecting") return "○ Connecting…";
  return "⚠ Connection lost — reconnecting";
}

/** The line under the banner while not live: when the next try is, and what went wrong. */
export function detailText(state: ConnectionState, nowMs: number, retryInMs: number): string {
  if (state.status === "live" || state.failures === 0) return "";
  const parts = [`retrying in ${Math.max(1, Math.ceil(retryInMs / 1000))} s`];
  if (state.lastOkAt !== null) parts.push(`last update ${ageText(nowMs - state.lastOkAt)}`);
  if (state.lastError !== null) parts.push(`last error: ${state.lastError}`);
  return parts.join(" · ");
}

export function ageText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s ago` : `${Math.floor(s / 60)} min ${s % 60} s ago`;
}

/** A short reason for the page's detail line, from whatever fetch threw. */
export function describeError(err: unknown): string {
  if (err instanceof DOMException && err.name === "TimeoutError") return "no answer in time";
  if (err instanceof Error) return err.message;
  return String(err);
}
