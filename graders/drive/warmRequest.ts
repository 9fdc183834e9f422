/**
 * One request of the warm-up (drive/warmUp.ts) sent for real: through a browser, its kept-alive
 * agent and node:http, over a Unix socket as the apps listen on, to a canned answer from a bare
 * socket server in this process. The first request of a run otherwise compiles node:http's client
 * and response parser, and Node's IPv6 pattern (the agent asks whether the host is an address),
 * ~10 ms of the first check. No HTTP server code is loaded: the answer is one fixed write.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { markOwned, sweepOnce } from "../boot/ownedFolders.js";
import { Browser, type Response } from "./browser.js";

const PAGE = "<!doctype html><title>Warm-up</title><h1>Visits</h1><p>Visits: 1</p>";
const ANSWER =
  "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n" +
  "Set-Cookie: session=eyJ2aXNpdHMiOjF9.Z2FtZQ.c2lnbmF0dXJl; HttpOnly; Path=/\r\n" +
  `Content-Length: ${Buffer.byteLength(PAGE)}\r\nConnection: close\r\n\r\n${PAGE}`;

/** The warm-up's socket folder in the temporary folder: this prefix and six characters (mkdtemp). */
export const WARM_REQUEST_FOLDER = /^autograder-warm-[A-Za-z0-9]{6}$/;

/** The canned answer as the browser read it (for the test that holds the warm-up to a real request). */
export async function warmRequest(): Promise<Response> {
  const dir = await mkdtemp(join(tmpdir(), "autograder-warm-")); // named as WARM_REQUEST_FOLDER
  const server = createServer((socket) => {
    socket.on("error", () => undefined);
    socket.once("data", () => socket.end(ANSWER));
  });
  try {
    // Removed below; named as this process's for the sweep when the grader is killed before that.
    await markOwned(dir);
    const socketPath = join(dir, "w.sock");
    await listen(server, socketPath);
    const browser = new Browser("warm-up");
    return await browser.send({ baseUrl: "http://student.localhost", socketPath }, { method: "GET", path: "/", requestId: "warm-up", timeoutMs: 2000, followRedirects: false });
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
    // Those of graders killed during their warm-up (ownedFolders.ts), off the first check's path.
    void sweepOnce(tmpdir(), WARM_REQUEST_FOLDER).catch(() => undefined);
  }
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
}
