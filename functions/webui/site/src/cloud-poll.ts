import { CLOUD_REPORT_PATH } from "../../../shared/cloud-report";
import { type CloudView, isUnsupportedStatus, parseCloudReport } from "./cloud";
import type { CloudPanel } from "./cloud-view";
import { apiUrl, type SiteConfig } from "./config";
import { describeError, MAX_BACKOFF_MS, POLL_INTERVAL_MS, REQUEST_TIMEOUT_MS } from "./connection";

/** A stage without the report is asked again this rarely (it may be redeployed with one). */
export const UNSUPPORTED_RETRY_MS = 30_000;

async function fetchView(config: SiteConfig): Promise<CloudView> {
  let res: Response;
  try {
    res = await fetch(apiUrl(config, CLOUD_REPORT_PATH), {
      cache: "no-store",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    return { kind: "unreachable", reason: describeError(err) };
  }
  if (isUnsupportedStatus(res.status)) {
    return { kind: "unsupported", reason: `its API has no cloud report (HTTP ${res.status})` };
  }
  if (!res.ok) return { kind: "unreachable", reason: `the API answered HTTP ${res.status}` };
  try {
    return { kind: "report", report: parseCloudReport(await res.json()) };
  } catch (err) {
    return { kind: "unreachable", reason: describeError(err) };
  }
}

const delayAfter: Record<CloudView["kind"], number> = {
  report: POLL_INTERVAL_MS,
  unreachable: MAX_BACKOFF_MS,
  unsupported: UNSUPPORTED_RETRY_MS,
};

/**
 * The Cloud panel's own poll: one request a second for the whole report (every function and
 * queue), one at a time, separate from /json so that a stage without it loses nothing else.
 */
export async function pollCloud(config: SiteConfig, panel: CloudPanel): Promise<void> {
  if (!config.cloudReport) {
    panel.render({ kind: "unsupported", reason: "its API does not offer a cloud report" });
    return;
  }
  const started = performance.now();
  const view = await fetchView(config);
  try {
    panel.render(view);
  } finally {
    const delay = Math.max(0, delayAfter[view.kind] - (performance.now() - started));
    setTimeout(() => void pollCloud(config, panel), delay);
  }
}
