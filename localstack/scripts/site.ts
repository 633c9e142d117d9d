/**
 * The dashboard's bucket on LocalStack: upload the built site (dist/site/) plus its API
 * config, and empty the bucket before `serverless remove` (CloudFormation cannot delete a
 * bucket that still holds objects). awslocal is Python and absent here: this is the SDK.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { SiteConfigFile } from "../../common/site-build";
import { clientOptions } from "./stack";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json",
};

/** S3 serves the stored Content-Type: without one a browser would download index.html. */
export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/** LocalStack accepts any credentials; path-style, because bucket subdomains need DNS. */
export function localS3(endpoint: string): S3Client {
  return new S3Client({ ...clientOptions(endpoint), forcePathStyle: true });
}

/** Every file under dir, as bucket keys (forward slashes) with their paths. */
export function siteFiles(dir: string): { key: string; path: string }[] {
  const found: { key: string; path: string }[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push({ key: relative(dir, path).split(sep).join("/"), path });
    }
  };
  walk(dir);
  return found;
}

export async function uploadSite(
  s3: S3Client,
  bucket: string,
  dir: string,
  config: SiteConfigFile,
): Promise<{ files: number; bytes: number }> {
  let bytes = 0;
  const files = siteFiles(dir).filter((f) => f.key !== "config.json");
  for (const file of files) {
    const body = readFileSync(file.path);
    bytes += body.length;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: file.key,
        Body: body,
        ContentType: contentTypeFor(file.key),
        // Redeploys show at once: the site is tiny, caching buys nothing here.
        CacheControl: "no-cache",
      }),
    );
  }
  // Written last: the site reads it at start to find the API (another origin than the site).
  const body = `${JSON.stringify(config)}\n`;
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: "config.json",
      Body: body,
      ContentType: contentTypeFor("config.json"),
      CacheControl: "no-cache",
    }),
  );
  return { files: files.length + 1, bytes: bytes + body.length };
}

/** Deletes every object; a bucket that does not exist (never deployed) counts as empty. */
export async function emptyBucket(s3: S3Client, bucket: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    let keys: string[];
    try {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
    } catch (err) {
      if ((err as { name?: string }).name === "NoSuchBucket") return deleted;
      throw err;
    }
    if (keys.length === 0) return deleted;
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
      }),
    );
    deleted += keys.length;
  }
}
