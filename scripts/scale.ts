/**
 * `npm run scale -- N`: the serverless `docker-compose up --scale worker=N`. Calls the
 * authenticated scale endpoint (PUT /workers) of a running stack: the local cloud by default,
 * or any deployment with SCALE_URL (its API base, e.g. https://…/prod) and SCALE_TOKEN. The
 * local cloud's token is read from its state folder: nobody types it.
 */
import { localCloudScaleToken, scriptSettings } from "../common/command-environment";
import { requestScale } from "../common/scale-client";

export const label = "scale:";

export async function main([raw]: string[]): Promise<void> {
  if (raw === undefined || !/^\d+$/.test(raw)) {
    console.error(
      "usage: npm run scale -- <replicas>   (a whole number, e.g. npm run scale -- 10)",
    );
    process.exit(2);
  }
  const settings = scriptSettings();
  const { scaleUrl } = settings;
  console.log(`scale: asking ${scaleUrl}/workers for ${raw} worker replica(s)`);
  const body = await requestScale(scaleUrl, localCloudScaleToken(settings), Number(raw));
  const issued =
    body.issued.length > 0 ? `; new tickets for replicas ${body.issued.join(", ")}` : "";
  console.log(`scale: desired workers ${body.previous} → ${body.desired}${issued}`);
  if (body.desired < body.previous) {
    console.log("scale: extra replicas retire at their next flush (about a second)");
  }
}
