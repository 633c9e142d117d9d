/**
 * A foreign web page, as a learner might have open while `npm start` runs: served from its own
 * host name (Chromium maps it to 127.0.0.1 with --host-resolver-rules), it tries every way a
 * page can send a request to the local cloud's servers without the user's help: fetch with the
 * JSON and the token (a preflight first), fetch in no-cors mode with a text/plain body (a
 * simple request, no preflight), XHR, and a form posted into a hidden frame. It is handed the
 * real tokens, the worst case (a page that guessed them), and the ones older versions printed.
 * It records what it could read; the test then checks that nothing changed on the servers.
 */

export interface Target {
  name: string;
  url: string;
  method: string;
  /** Headers of the fetch and XHR attempts (those a form cannot send are lost there). */
  headers: Record<string, string>;
  /** What a successful call would do. */
  body: string;
}

/** The page's script: runs every attempt against every target, then sets window.done. */
function attack(targets: Target[]): void {
  const results: { target: string; how: string; outcome: string }[] = [];
  const record = (target: string, how: string, outcome: string) =>
    results.push({ target, how, outcome });
  const attempts = targets.flatMap((t) => [
    fetch(t.url, { method: t.method, headers: t.headers, body: t.body })
      .then(async (r) => record(t.name, "fetch", `read ${r.status}: ${await r.text()}`))
      .catch((e: unknown) => record(t.name, "fetch", `blocked: ${String(e)}`)),
    fetch(t.url, {
      method: "POST",
      mode: "no-cors",
      headers: { "content-type": "text/plain" },
      body: t.body,
    })
      .then((r) => record(t.name, "no-cors", `opaque ${r.type}`))
      .catch((e: unknown) => record(t.name, "no-cors", `blocked: ${String(e)}`)),
    new Promise<void>((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open(t.method, t.url);
      for (const [name, value] of Object.entries(t.headers)) xhr.setRequestHeader(name, value);
      xhr.onload = () => {
        record(t.name, "xhr", `read ${xhr.status}: ${xhr.responseText}`);
        resolve();
      };
      xhr.onerror = () => {
        record(t.name, "xhr", "blocked");
        resolve();
      };
      xhr.send(t.body);
    }),
    new Promise<void>((resolve) => {
      const frame = document.createElement("iframe");
      frame.name = `sink-${results.length}-${Math.random()}`;
      document.body.append(frame);
      const form = document.createElement("form");
      form.method = "POST";
      form.action = t.url;
      form.enctype = "text/plain";
      form.target = frame.name;
      // The body arrives as `name=value\r\n`: JSON again when the "=" lands inside a string.
      const input = document.createElement("input");
      if (t.body.endsWith('"]')) {
        input.name = t.body.slice(0, -2);
        input.value = '"]';
      } else {
        input.name = `${t.body.slice(0, -1)},"pad":"`;
        input.value = '"}';
      }
      form.append(input);
      document.body.append(form);
      frame.onload = () => {
        record(t.name, "form", "posted");
        resolve();
      };
      form.submit();
      setTimeout(resolve, 3_000);
    }),
  ]);
  void Promise.all(attempts).then(() => {
    (window as unknown as { results: unknown; done: boolean }).results = results;
    (window as unknown as { done: boolean }).done = true;
  });
}

export function attackerPage(targets: Target[]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>a page on the internet</title></head><body>
<h1>Nothing to see here</h1>
<script>(${attack.toString()})(${JSON.stringify(targets)});</script>
</body></html>`;
}
