import { apiUrl, type SiteConfig } from "./config";
import { parseReplicas, readToken, scaleOutcome, writeToken } from "./scale";
import { byId } from "./view";

const SCALE_TIMEOUT_MS = 10_000;

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * The "scale workers" form: PUT {apiBase}/workers with the user's token as a Bearer header.
 * The token field is filled with the token the local cloud hands its page (config.json), else
 * from localStorage, where a typed one is saved on each scale request.
 */
export function setUpScaleForm(config: SiteConfig) {
  const form = byId<HTMLFormElement>("scale-form");
  const replicas = byId<HTMLInputElement>("replicas");
  const token = byId<HTMLInputElement>("token");
  const forget = byId<HTMLButtonElement>("forget-token");
  const submit = byId<HTMLButtonElement>("scale-submit");
  const result = byId("scale-result");
  let edited = false;

  token.value = config.scaleToken ?? readToken(storage());
  replicas.addEventListener("input", () => {
    edited = true;
  });

  const say = (ok: boolean, message: string) => {
    result.textContent = `${ok ? "✓" : "✗"} ${message}`;
    result.dataset.ok = String(ok);
  };

  forget.addEventListener("click", () => {
    token.value = "";
    writeToken(storage(), "");
    say(true, "Token forgotten in this browser.");
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const parsed = parseReplicas(replicas.value);
    if (!parsed.ok) return say(false, parsed.error);
    const secret = token.value.trim();
    if (secret === "") return say(false, "Enter the API token first.");
    writeToken(storage(), secret);
    submit.disabled = true;
    result.textContent = "Scaling…";
    fetch(apiUrl(config, "workers"), {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      body: JSON.stringify({ replicas: parsed.value }),
      signal: AbortSignal.timeout(SCALE_TIMEOUT_MS),
    })
      .then(async (res) => {
        const body: unknown = await res.json().catch(() => null);
        const outcome = scaleOutcome(res.status, body);
        say(outcome.ok, outcome.message);
        if (outcome.ok) edited = false;
      })
      .catch((err: unknown) => say(false, `Scaling failed: ${String(err)}`))
      .finally(() => {
        submit.disabled = false;
      });
  });

  return {
    /** Shows the current desired count until the user types their own. */
    suggest(desired: number | null) {
      if (!edited && desired !== null) replicas.value = String(desired);
    },
  };
}
