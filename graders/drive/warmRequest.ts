/**
 * One request of the warm-up (drive/warmUp.ts) sent for real: through a browser, its kept-alive
 * agent and node:http, over a Unix socket as the apps listen on, to a canned answer from a bare
 * socket server in this process. The first request of a run otherwise compiles node:http's client
 * and response parser, and Node's IPv6 pattern (the agent asks whether the host is an address),
 * ~10 ms of the first check. No HTTP server code is loaded: the answer is one fixed write.
 */
import { rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { makeOwnedFolder } from "../boot/ownedFolders.js";
import { WARM_REQUEST_FOLDER } from "../boot/tempFolders.js";
import { Browser, type Response } from "./browser.js";

const PAGE = "<!doctype html><title>Warm-up</title><h1>Visits</h1><p>Visits: 1</p>";
const ANSWER =
  "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n" +
  "Set-Cookie: session=eyJ2aXNpdHMiOjF9.Z2FtZQ.c2lnbmF0dXJl; HttpOnly; Path=/\r\n" +
  `Content-Length: ${Buffer.byteLength(PAGE)}\r\nConnection: close\r\n\r\n${PAGE}`;

/** The canned answer as the browser read it (for the test that holds the warm-up to a real request). */
export async function warmRequest(): Promise<Response> {
  const dir = await makeOwnedFolder(WARM_REQUEST_FOLDER); // removed below, or by the next grader's sweep
  const server = createServer((socket) => {
    socket.on("error", () => undefined);
    socket.once("data", () => socket.end(ANSWER));
  });
  try {
    const socketPath = join(dir, "w.sock");
    await listen(server, socketPath);
    const browser = new Browser("warm-up");
    return await browser.send({ baseUrl: "http://student.localhost", socketPath }, { method: "GET", path: "/", requestId: "warm-up", timeoutMs: 2000, followRedirects: false });
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
}
