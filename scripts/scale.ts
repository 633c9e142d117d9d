/**
 * `npm run scale -- N`: the serverless `docker-compose up --scale worker=N`. Calls the
 * authenticated scale endpoint (PUT /workers) of a running stack: the local cloud by default,
 * or any deployment with SCALE_URL (its API base, e.g. https://…/prod) and SCALE_TOKEN.
 */
import { scriptSettings } from "./environment";

export const label = "scale:";

export interface ScaleAnswer {
  desired: number;
  previous: number;
  issued: number[];
  error?: string;
}

const SCALE_TIMEOUT_MS = 10_000;

/** PUT {api}/workers {"replicas": n} with the scale token; throws with the API's reason. */
export async function requestScale(
  apiBase: string,
  token: string,
  replicas: number,
): Promise<ScaleAnswer> {
  let res: Response;
  try {
    res = await fetch(`${apiBase}/workers`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ replicas }),
      signal: AbortSignal.timeout(SCALE_TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new Error(
      `cannot reach ${apiBase} (${cause ?? (err as Error).message}). Is \`npm start\` running?`,
    );
  }
  const body = (await res.json().catch(() => ({}))) as ScaleAnswer;
  if (!res.ok) throw new Error(`${res.status} ${body.error ?? res.statusText}`);
  return body;
}

export async function main([raw]: string[]): Promise<void> {
  if (raw === undefined || !/^\d+$/.test(raw)) {
    console.error(
      "usage: npm run scale -- <replicas>   (a whole number, e.g. npm run scale -- 10)",
    );
    process.exit(2);
  }
  const { scaleUrl, scaleToken } = scriptSettings();
  console.log(`scale: asking ${scaleUrl}/workers for ${raw} worker replica(s)`);
  const body = await requestScale(scaleUrl, scaleToken, Number(raw));
  const issued =
    body.issued.length > 0 ? `; new tickets for replicas ${body.issued.join(", ")}` : "";
  console.log(`scale: desired workers ${body.previous} → ${body.desired}${issued}`);
  if (body.desired < body.previous) {
    console.log("scale: extra replicas retire at their next flush (about a second)");
  }
}
