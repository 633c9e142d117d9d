import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";

/** What invoking a function produced: its return value, or why it failed. */
export type InvokeOutcome = { ok: true; response: unknown } | { ok: false; error: string };

/**
 * Invokes functions through serverless-offline's Lambda endpoint, as AWS's event sources call
 * the Invoke API: the function runs in serverless-offline's own pool, with its timeout.
 */
export function lambdaInvoker(lambdaPort: number, region: string) {
  const client = new LambdaClient({
    endpoint: `http://127.0.0.1:${lambdaPort}`,
    region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  return async (functionName: string, payload: unknown): Promise<InvokeOutcome> => {
    try {
      const out = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          Payload: Buffer.from(JSON.stringify(payload)),
        }),
      );
      const text = out.Payload ? Buffer.from(out.Payload).toString("utf8") : "";
      if (out.FunctionError)
        return { ok: false, error: `${out.FunctionError}: ${text.slice(0, 300)}` };
      return { ok: true, response: text === "" ? null : JSON.parse(text) };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  };
}
