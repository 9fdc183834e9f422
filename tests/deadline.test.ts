/**
 * graders/deadline.ts: a stall of the grader itself never makes a deadline expire early.
 * The stall is a synchronous busy wait, as a synchronous copy of a big submission once was; the
 * assertions are about order (what was read before the deadline expired), never about durations.
 */
import { once } from "node:events";
import { createServer, connect, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startDeadline } from "../graders/deadline.js";
import { ChannelReader } from "../graders/boot/handshake.js";

/** Resumes in the loop's check phase: the next phase to run is the timers', before any I/O is read. */
const afterPoll = () => new Promise((resolve) => setImmediate(resolve));

/** Blocks the event loop, like a synchronous call would. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

let server: Server;
let client: Socket;
let peer: Socket;

beforeAll(async () => {
  server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address() as { port: number };
  const accepted = once(server, "connection");
  client = connect(address.port, "127.0.0.1");
  await once(client, "connect");
  [peer] = (await accepted) as [Socket];
});

afterAll(() => {
  client?.destroy();
  peer?.destroy();
  server?.close();
});

describe("a deadline and the grader's own stalls", () => {
  test("what arrived during a stall is read before the deadline is honoured", async () => {
    await afterPoll();
    let expired = false;
    const deadline = startDeadline(100, () => (expired = true));
    const received = new Promise<string>((resolve) =>
      client.once("data", (chunk: Buffer) => {
        deadline.cancel(); // the answer came in time: the deadline must not have fired before this
        resolve(chunk.toString());
      }),
    );
    peer.write("ready\n"); // in the kernel's buffer at once: it arrives while the loop is blocked
    stall(400);
    expect(await received).toBe("ready\n");
    expect(expired).toBe(false);
    expect(deadline.expired).toBe(false);
  });

  test("the time the loop was blocked is added to the deadline, which still expires in the end", async () => {
    let expired = false;
    const expiry = new Promise<void>((resolve) =>
      startDeadline(100, () => {
        expired = true;
        resolve();
      }),
    );
    stall(400); // four times the deadline
    // The first turn of the loop after the stall: a plain timer would have fired by now.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await new Promise((resolve) => setImmediate(resolve));
    expect(expired).toBe(false);
    await expiry;
    expect(expired).toBe(true);
  });

  test("a cancelled deadline never fires", async () => {
    let fired = false;
    const deadline = startDeadline(1, () => (fired = true));
    deadline.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fired).toBe(false);
  });

  test("the runner's channel: an event that arrived during a stall is found, not a timeout", async () => {
    const reader = new ChannelReader();
    client.on("data", (chunk: Buffer) => reader.add(chunk));
    await afterPoll();
    const waiting = reader.next((e) => e.event === "ready", 100);
    peer.write(`${JSON.stringify({ event: "ready", port: 1 })}\n`);
    stall(400);
    expect(await waiting).toMatchObject({ event: "ready" });
    client.removeAllListeners("data");
  });
});
