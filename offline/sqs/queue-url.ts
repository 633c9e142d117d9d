/**
 * fauxqs names queues http://sqs.<region>.localhost:<port>/<account>/<name>: its store's host
 * defaults to "localhost" and buildApp() cannot clear it, and `*.localhost` subdomains do not
 * resolve through glibc, so a function given such a URL (without an explicit endpoint) fails with
 * ENOTFOUND. The emulator therefore shows clients http://127.0.0.1:<port>/<account>/<name> and
 * maps it back on the way in. Pure string functions; emulator.ts installs them as hooks.
 */

const LOOPBACK = "127.0.0.1";

/** Rewrites every fauxqs-internal queue URL origin on `port` in `text` (a JSON response body). */
export function toPublicQueueUrls(text: string, port: number): string {
  const internalOrigin = new RegExp(`http://sqs\\.[a-z0-9-]+\\.localhost:${port}/`, "g");
  return text.replace(internalOrigin, `http://${LOOPBACK}:${port}/`);
}

/** Maps a public queue URL back to the one fauxqs stores; any other URL is returned unchanged. */
export function toInternalQueueUrl(url: string, port: number, region: string): string {
  const publicOrigin = `http://${LOOPBACK}:${port}/`;
  if (!url.startsWith(publicOrigin)) return url;
  return `http://sqs.${region}.localhost:${port}/${url.slice(publicOrigin.length)}`;
}
