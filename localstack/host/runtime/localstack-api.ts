/**
 * The calls an execution environment makes to LocalStack, under LOCALSTACK_RUNTIME_ENDPOINT
 * (LocalStack 4.13.1's executor-endpoint protocol, `services/lambda_/invocation/
 * executor_endpoint.py`; the Go reference is lambda-runtime-init's
 * `cmd/localstack/custom_interop.go`):
 *
 *   POST status/<runtime id>/ready   {"port"}: INIT done, listening on that port for /invoke
 *   POST status/<runtime id>/error   the INIT failed, with the error
 *
 * Results are not posted back: the answer to /invoke carries them (main.ts, endpoint.py).
 */
import { Agent, request } from "node:http";

export class LocalStackApi {
  private readonly agent = new Agent({ keepAlive: false });

  constructor(
    private readonly endpoint: string,
    private readonly runtimeId: string,
    private readonly warn: (line: string) => void,
  ) {}

  ready(port: number): Promise<void> {
    return this.post(`/status/${this.runtimeId}/ready`, JSON.stringify({ port, pid: process.pid }));
  }

  initError(payload: unknown): Promise<void> {
    return this.post(`/status/${this.runtimeId}/error`, JSON.stringify(payload));
  }

  /** Never rejects: a failed report is logged, and LocalStack's start-up timeout takes over. */
  private post(path: string, body: string): Promise<void> {
    const data = Buffer.from(body, "utf8");
    return new Promise<void>((resolve) => {
      const req = request(
        new URL(this.endpoint + path),
        {
          method: "POST",
          agent: this.agent,
          headers: { "content-type": "application/json", "content-length": data.length },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve());
        },
      );
      req.on("error", (err) => {
        this.warn(`host-runtime: POST ${path} failed: ${err.message}\n`);
        resolve();
      });
      req.end(data);
    });
  }
}
