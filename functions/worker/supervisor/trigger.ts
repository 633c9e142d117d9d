/**
 * What started a supervisor run: its EventBridge schedule (on AWS and LocalStack; the local
 * cloud's schedule sends the same event), or a call on demand (a kick at start or after a
 * deploy, an Invoke without a payload). Logged, so that a schedule that fires shows in the
 * function's logs (`npm run smoke:local` looks for it in CloudWatch Logs).
 */
export type SupervisorTrigger = "schedule" | "on demand";

export function triggerOf(event: unknown): SupervisorTrigger {
  if (typeof event !== "object" || event === null) return "on demand";
  const { source, "detail-type": detailType } = event as Record<string, unknown>;
  return source === "aws.events" && detailType === "Scheduled Event" ? "schedule" : "on demand";
}
