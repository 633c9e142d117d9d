/**
 * The wall of LocalStack in host mode, from the attacker's side and the dashboard's
 * (tests/localstack/host-mode.test.ts runs it on the deployed stack): a foreign Origin or a
 * rebinding Host gets 403 before the API, SQS, S3, the host executor's stats or the bridge,
 * changing nothing; the dashboard's two origins and no Origin at all get in.
 */
import { expect } from "vitest";
import { apiUrl, SITE_BUCKET, websiteHost } from "../../localstack/scripts/stack";
import { rawRequest } from "../support/raw-http";

/** Checks it; returns the statuses of the refused requests, for the run's figures. */
export async function checkWall(
  endpoint: string,
  scaleToken: string,
  bridge: { url: string; port: number },
): Promise<string> {
  const api = apiUrl(endpoint);
  const port = new URL(endpoint).port;
  const scale = (replicas: number, headers: Record<string, string>) =>
    rawRequest(`${api}/workers`, {
      method: "PUT",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${scaleToken}`,
        ...headers,
      },
      body: JSON.stringify({ replicas }),
    });
  const desired = async () => {
    const answer = await rawRequest(`${api}/json`);
    const workers = answer.json?.workers as { desired: number } | undefined;
    if (workers === undefined) throw new Error(`GET /json: ${answer.status} ${answer.body}`);
    return workers.desired;
  };
  const before = await desired();
  const foreign = { origin: "http://evil.example" };
  const refusedAnswers = {
    "API PUT /workers, foreign Origin (with the token)": await scale(before + 3, foreign),
    "API preflight, foreign Origin": await rawRequest(`${api}/workers`, {
      method: "OPTIONS",
      headers: { ...foreign, "access-control-request-method": "PUT" },
    }),
    "API simple POST, foreign Origin": await rawRequest(`${api}/hasher`, {
      method: "POST",
      headers: { ...foreign, "content-type": "text/plain" },
      body: "x",
    }),
    "API PUT /workers, rebinding Host": await scale(before + 3, { host: `evil.example:${port}` }),
    "SQS SendMessage, rebinding Host": await rawRequest(`${endpoint}/`, {
      method: "POST",
      headers: {
        host: `evil.example:${port}`,
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "AmazonSQS.SendMessage",
      },
      body: JSON.stringify({
        QueueUrl: `${endpoint}/000000000000/dockercoins-local-worker-tickets-dlq`,
        MessageBody: "x",
      }),
    }),
    "SQS SendMessage, foreign Origin": await rawRequest(`${endpoint}/`, {
      method: "POST",
      headers: {
        ...foreign,
        "content-type": "text/plain",
        "x-amz-target": "AmazonSQS.SendMessage",
      },
      body: JSON.stringify({
        QueueUrl: `${endpoint}/000000000000/dockercoins-local-worker-tickets-dlq`,
        MessageBody: "x",
      }),
    }),
    "S3 PutObject into the site, foreign Origin": await rawRequest(
      `${endpoint}/${SITE_BUCKET}/index.html`,
      {
        method: "PUT",
        headers: { ...foreign, "content-type": "text/plain" },
        body: "defaced",
      },
    ),
    "host executor stats, foreign Origin": await rawRequest(`${endpoint}/_host_executor/stats`, {
      headers: foreign,
    }),
    "bridge, rebinding Host": await rawRequest(bridge.url, {
      method: "POST",
      headers: { host: `evil.example:${bridge.port}` },
      body: JSON.stringify(["GET", "hashes"]),
    }),
  };
  const statuses = Object.fromEntries(
    Object.entries(refusedAnswers).map(([what, a]) => [what, a.status]),
  );
  const measured = JSON.stringify(statuses);
  for (const [what, answer] of Object.entries(refusedAnswers)) {
    expect(answer.status, `${what}: ${answer.body.slice(0, 200)}`).toBe(403);
    expect(answer.headers["access-control-allow-origin"], what).toBeUndefined();
  }
  expect(refusedAnswers["API PUT /workers, rebinding Host"].body).toContain("LOCAL_ALLOWED_HOSTS");
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // the webui's /json cache
  expect(await desired()).toBe(before);
  const site = await rawRequest(`${endpoint}/${SITE_BUCKET}/index.html`);
  expect(site.body).not.toBe("defaced");

  // The dashboard's two origins (path-style, S3 website) and no Origin at all get in.
  for (const origin of [`http://127.0.0.1:${port}`, `http://${websiteHost(endpoint)}`]) {
    const answer = await scale(before, { origin });
    expect(answer.status, `${origin}: ${answer.body}`).toBe(200);
    // The scale handler's own `*` (params.local: LocalStack's CORS check stands in front).
    expect([origin, "*"]).toContain(answer.headers["access-control-allow-origin"]);
  }
  expect((await scale(before, {})).status).toBe(200);
  return measured;
}
