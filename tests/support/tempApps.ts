/**
 * Helpers for tests that boot real Flask apps: small apps written into temporary folders (never
 * into the repo; removeTempApps removes them, so that runs of the suite do not fill /tmp), and a
 * look at /proc to prove that no process of an app is left behind.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { procStat } from "../../graders/procStat.js";

const made: string[] = [];

/** Removes the common indentation, so Python can be written indented inside a test. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, "").split("\n");
  const indents = lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join("\n");
}

/** A fresh folder holding `files` (a string is the text of `app.py`), its text dedented. */
export function tempApp(files: string | Record<string, string>): string {
  const texts = Object.entries(typeof files === "string" ? { "app.py": files } : files).map(([name, text]) => [name, dedent(text)]);
  return tempFolder(Object.fromEntries(texts), "grader-test-");
}

/** A fresh folder named `prefix` + six characters in the temporary folder, holding `files` as written; removed by removeTempApps. */
export function tempFolder(files: Record<string, string>, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Removes every folder tempApp and tempFolder made in this test file: call it in afterAll. */
export function removeTempApps(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

interface ProcInfo {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  cmdline: string;
}

function proc(pid: number): ProcInfo | undefined {
  const field = procStat(pid);
  if (!field) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    return { pid, state: field(3), ppid: Number(field(4)), pgrp: Number(field(5)), cmdline };
  } catch {
    return undefined;
  }
}

/** Live (not zombie) processes. */
function live(): ProcInfo[] {
  return readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .map((n) => proc(Number(n)))
    .filter((p): p is ProcInfo => p !== undefined && p.state !== "Z" && p.state !== "X");
}

export function isAlive(pid: number): boolean {
  const p = proc(pid);
  return p !== undefined && p.state !== "Z" && p.state !== "X";
}

/** Live processes whose command line mentions `text` (e.g. an app's temporary folder). */
export function processesMentioning(text: string): ProcInfo[] {
  return live().filter((p) => p.pid !== process.pid && p.cmdline.includes(text));
}

/**
 * The processes mentioning any of `texts` that are still there after `timeoutMs`. A stop returns
 * once the runner has ended; the rest of its group, killed with it, may still be tearing down for
 * a few milliseconds (longer on a loaded machine): what is left for good is what counts.
 */
export async function processesLeft(texts: readonly string[], timeoutMs = 5000): Promise<ProcInfo[]> {
  const left = () => texts.flatMap((text) => processesMentioning(text));
  await waitFor(() => left().length === 0, timeoutMs);
  return left();
}

/** Live processes below `pid` (its children, theirs, ...), and `pid` itself too when `withSelf`. */
export function descendantsOf(pid: number, withSelf = false): ProcInfo[] {
  const all = live();
  const parents = new Map(all.map((p) => [p.pid, p.ppid]));
  const below = (p: number): boolean => {
    // A bounded climb: a pid reused while /proc was read cannot make it loop.
    for (let up = parents.get(p), hops = 0; up !== undefined && up > 0 && hops < 64; up = parents.get(up), hops++) if (up === pid) return true;
    return false;
  };
  return all.filter((p) => (withSelf && p.pid === pid) || below(p.pid));
}

/** Live members of a process group. */
export function groupMembers(pgid: number): ProcInfo[] {
  return live().filter((p) => p.pgrp === pgid);
}

/** Polls until `condition` holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A plain GET without keep-alive, so no socket outlives the test. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { status, body } = await getWithHeaders(url, headers);
  return { status, body };
}

/** get(), with the response's headers too. */
export function getWithHeaders(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
      res.on("error", reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${url}`)));
    req.on("error", reject);
    req.end();
  });
}
