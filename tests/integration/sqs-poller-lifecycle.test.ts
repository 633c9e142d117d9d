/**
 * The local SQS event source mapping's lifecycle against a real fauxqs: stop() drains running
 * invocations, ends a long poll promptly, and the poller resumes when fauxqs restarts.
 */
import { setTimeout as delay } from "node:timers/promises";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { EMULATOR_REGION, startSqsEmulator } from "../../offline/sqs/emulator";
import { credentials, recorder, slowFunction, useSqsRig, waitFor } from "../support/sqs-rig";

const rig = useSqsRig();

describe("SQS poller lifecycle on fauxqs", () => {
  it("stop() lets running invocations finish, for up to stopGraceMs", async () => {
    const { queue } = await rig.makeQueues(rig.emulator().client, "drain", "10");
    const fn = slowFunction(400);
    await rig.sendAll(queue.url, ["a"]);
    const patient = rig.poll(queue, fn.invoke);
    await waitFor("the invocation", () => fn.peak === 1);
    await patient.stop();
    expect(fn.finished).toBe(1);
    expect(await rig.isEmpty(queue.url)).toBe(true); // deleted before stop() resolved

    const lines: string[] = [];
    await rig.sendAll(queue.url, ["b"]);
    const impatient = rig.poll(queue, fn.invoke, { stopGraceMs: 100, log: (l) => lines.push(l) });
    await waitFor("the second invocation", () => fn.started === 2);
    const stopping = Date.now();
    await impatient.stop();
    expect(Date.now() - stopping).toBeLessThan(300);
    expect(lines.filter((l) => l.includes("still running"))).toHaveLength(1);
  });

  it("stop() returns promptly during a 20 s long poll, leaving later messages visible", async () => {
    const { queue } = await rig.makeQueues();
    const fn = recorder();
    const poller = rig.poll(queue, fn.invoke, { waitTimeSeconds: 20 });
    await delay(300); // the long poll is now waiting in fauxqs

    const started = Date.now();
    await poller.stop();
    expect(Date.now() - started).toBeLessThan(1_000);

    // fauxqs keeps the abandoned long poll waiting and hands it the next message; the emulator
    // makes such messages visible again once the server has seen the client go (a few ms).
    await delay(100);
    await rig.sendAll(queue.url, ["after-stop"]);
    const visible = async () => (await rig.counts(queue.url)).visible === 1;
    await waitFor("the message to be visible", visible, 1_000);
    expect(fn.events).toHaveLength(0);
  });

  it("resumes by itself when the emulator restarts on the same port", async () => {
    const first = await startSqsEmulator({ port: 0 });
    const { queue } = await rig.makeQueues(first.client, "restart");
    // A client that outlives both emulators, like the functions' clients do.
    const client = new SQSClient({
      endpoint: first.endpoint,
      region: EMULATOR_REGION,
      credentials,
    });
    const lines: string[] = [];
    const fn = recorder();
    rig.poll(queue, fn.invoke, { client, log: (line) => lines.push(line) });
    await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "before" }));
    await waitFor("the first delivery", () => fn.bodies().includes("before"));

    await first.stop();
    await delay(700); // several failed receives: connection refused
    const second = await startSqsEmulator({ port: first.port });
    try {
      const { queue: again } = await rig.makeQueues(second.client, "restart");
      expect(again.url).toBe(queue.url);
      await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "after" }));
      await waitFor("the delivery after the restart", () => fn.bodies().includes("after"), 8_000);
      await waitFor("the deletion", () => rig.isEmpty(queue.url, client));
      // One line for the whole outage, one when it is over.
      expect(lines.filter((l) => l.includes("ReceiveMessage failed"))).toHaveLength(1);
      expect(lines.filter((l) => l.includes("polling resumed"))).toHaveLength(1);
    } finally {
      await rig.stopPollers();
      await second.stop();
      client.destroy();
    }
  });

  it("with the emulator's arrival signal, delivers at once without any long poll waiting", async () => {
    const { queue } = await rig.makeQueues();
    const fn = recorder();
    // An idle poll far longer than the test: only the signal can explain a prompt delivery.
    rig.poll(queue, fn.invoke, {
      arrivals: rig.emulator().arrivals(queue.url),
      idlePollMs: 30_000,
    });
    await delay(300);
    const sent = Date.now();
    await rig.sendAll(queue.url, ["signalled"]);
    await waitFor("the delivery", () => fn.bodies().includes("signalled"), 2_000);
    expect(Date.now() - sent).toBeLessThan(1_000);
  });

  it("with the signal, still redelivers a message whose visibility timeout ran out", async () => {
    const { queue } = await rig.makeQueues(); // visibility timeout 1 s
    let calls = 0;
    const fn = recorder(() =>
      ++calls === 1 ? { ok: false, error: "first try fails" } : { ok: true, response: null },
    );
    rig.poll(queue, fn.invoke, { arrivals: rig.emulator().arrivals(queue.url), idlePollMs: 500 });
    await rig.sendAll(queue.url, ["retried"]);
    await waitFor("the redelivery", () => calls === 2, 5_000);
    await waitFor("the deletion", () => rig.isEmpty(queue.url));
  });
});
