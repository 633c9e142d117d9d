/**
 * What `npm run doctor` found, one line per check, and what its exit code is. Pure: the checks
 * are decided elsewhere (node.ts, tools.ts, ports.ts), the probing in probes.ts.
 */

export type CheckStatus =
  /** Found and usable. */
  | "ok"
  /** Usable, but act on it (an end-of-life Node). */
  | "warn"
  /** Missing or unusable: a command of the README will fail (or, optional, one mode of it). */
  | "fail";

export interface CheckResult {
  /** Stable, for scripts reading --json: "node", "npm", "redis-server", "port:API_PORT", … */
  id: string;
  /** For people: "Node.js", "redis-server", "port 3000 (API)". */
  title: string;
  status: CheckStatus;
  /** Only one way of running needs it (LocalStack's host mode, or in Docker). */
  optional: boolean;
  /** Version and path found, or what is wrong. */
  summary: string;
  /** What to do about it: the install command for this system and the setting to use instead. */
  fix?: string;
  version?: string;
  path?: string;
}

/** ✓ found, ⚠ works but act on it, ✗ missing, ○ missing but optional. */
export function symbol(check: CheckResult): string {
  if (check.status === "ok") return "✓";
  if (check.status === "warn") return "⚠";
  return check.optional ? "○" : "✗";
}

/** 0 when every required check passed (warnings allowed): `npm start` and `npm test` can run. */
export function exitCode(checks: readonly CheckResult[]): 0 | 1 {
  return checks.some((c) => c.status === "fail" && !c.optional) ? 1 : 0;
}

export function formatLine(check: CheckResult, titleWidth: number): string {
  const title = `${check.title}${check.optional ? " (optional)" : ""}`;
  const fix = check.fix ? ` → ${check.fix}` : "";
  return `${symbol(check)} ${title.padEnd(titleWidth)}  ${check.summary}${fix}`;
}

/** The whole human report: a header, one line per check, a closing verdict. */
export function formatReport(checks: readonly CheckResult[], platformName: string): string {
  const width = Math.max(
    ...checks.map((c) => c.title.length + (c.optional ? " (optional)".length : 0)),
  );
  const failed = checks.filter((c) => c.status === "fail" && !c.optional).length;
  const verdict =
    failed === 0
      ? "ready: `npm start` and `npm test` can run"
      : `not ready: ${failed} required check${failed === 1 ? "" : "s"} failed (✗ above, with the fix)`;
  return [
    `doctor: what the README's commands need, on ${platformName}`,
    ...checks.map((c) => formatLine(c, width)),
    `doctor: ${verdict}`,
  ].join("\n");
}

export interface JsonReport {
  ok: boolean;
  platform: string;
  checks: CheckResult[];
}

export function jsonReport(checks: CheckResult[], platformName: string): JsonReport {
  return { ok: exitCode(checks) === 0, platform: platformName, checks };
}
