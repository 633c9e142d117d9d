/**
 * The client of the scale endpoint (PUT /workers): `npm run scale` and `smoke:local` use it,
 * against the local cloud or any deployment.
 */

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
