/**
 * Hostile submissions that attack the grader through their shape or their cookie (issue 16 items
 * 2, 3 and 5), on the cold and the warm path, for the CLI and for batch:
 * - a sparse 5 GB file beside a correct app (its copy once blocked the grader for 30 s, and the
 *   warm server's start timer fired: the app booted cold);
 * - 60,000 one-byte files beside a correct app, in a class of correct submissions graded with
 *   --jobs 2 (their copy and removal once stalled the grader 14 s each: innocent students got 0);
 * - 1,800 nested folders (the synchronous copy overflowed its stack: "could not grade");
 * - a session cookie whose 330 bytes of zlib inflate to 100,000 nested brackets (the decoder
 *   overflowed its stack: "could not grade").
 * Each shape is refused with a Problem that names the bound (status graded: the student's to fix);
 * the cookie is not a session the grader can read, so the checks that need it fail. The big trees
 * are made here, in a temporary folder, and removed at the end.
 */
import { closeSync, linkSync, mkdirSync, mkdtempSync, openSync, readdirSync, writeFileSync, cpSync, ftruncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { runBatch } from "../graders/batch/run.js";
import { prepareSandbox } from "../graders/boot/isolation.js";
import { COPY_BOUNDS, SubmissionTooBig, copySubmission, removeTree } from "../graders/boot/privateCopy.js";
import { decodeSession, tamperSession } from "../graders/drive/sessionCookie.js";
import { grade } from "../graders/grade.js";
import { packageFile } from "../graders/paths.js";
import { loadSpec } from "../graders/spec/load.js";
import type { Spec } from "../graders/spec/types.js";
import type { Result } from "../graders/verdict/types.js";
import { main } from "../scripts/cli/main.js";

const SOLUTION = packageFile("solutions/visit-counter");
const INNOCENTS = ["alice", "bob", "carol", "dave"];
/** Student folder → what the result must say. */
const HOSTILE: Record<string, RegExp> = {
  sparse: new RegExp(`more than ${COPY_BOUNDS.megabytes} MB`),
  "many-files": new RegExp(`more than ${COPY_BOUNDS.entries} files and folders`),
  deep: new RegExp(`nested more than ${COPY_BOUNDS.depth} deep`),
};

let work: string;
let cls: string;
let spec: Spec;

/** A 330-byte cookie value shaped like Flask's: "." + zlib payload + timestamp + signature. */
const BOMB = `.${deflateSync(Buffer.from(`{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`), { level: 9 }).toString("base64url")}.ZwAAAA.c2lnbmF0dXJlc2lnbmF0dXJlc2ln`;

/** The correct counter, plus a WSGI wrapper that sets the bomb as the session cookie on every answer (after Flask's own). */
const BOMB_APP = `${"from flask import Flask, session\n"}
import base64, zlib
app = Flask(__name__)
app.secret_key = "b4f0e1c7d2a94e3f8c6b5a7d9e2f1c03"
BOMB = "." + base64.urlsafe_b64encode(zlib.compress(b'{"a":' + b"[" * 100000 + b"]" * 100000 + b"}", 9)).decode().rstrip("=") + ".ZwAAAA.c2lnbmF0dXJlc2lnbmF0dXJlc2ln"

@app.route("/")
def index():
    visits = session.get("visits", 0) + 1
    session["visits"] = visits
    return f"<h1>Visit counter</h1><p>Number of visits: {visits}</p>"

_inner = app.wsgi_app
def _bombing(environ, start_response):
    def start(status, headers, exc_info=None):
        return start_response(status, headers + [("Set-Cookie", "session=" + BOMB + "; Path=/")], exc_info)
    return _inner(environ, start)
app.wsgi_app = _bombing
`;

function student(name: string): string {
  const dir = join(cls, name);
  cpSync(SOLUTION, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "shape-test-"));
  cls = join(work, "class");
  spec = await loadSpec(packageFile("specs/visit-counter.yaml"));
  for (const name of INNOCENTS) student(name);
  // Sparse: 5 GB long, a few KB on disk.
  const fd = openSync(join(student("sparse"), "video.bin"), "w");
  ftruncateSync(fd, 5 * 1024 ** 3);
  closeSync(fd);
  const many = student("many-files");
  // Hard links to one 1-byte file: 60,000 one-byte files to the grader, a fraction of the cost to make.
  writeFileSync(join(many, "f0"), "x");
  for (let i = 1; i < 60_000; i++) linkSync(join(many, "f0"), join(many, `f${i}`));
  mkdirSync(join(student("deep"), ...Array.from({ length: 1_800 }, () => "d")), { recursive: true });
  writeFileSync(join(student("cookie-bomb"), "app.py"), BOMB_APP);
}, 120_000);

afterAll(async () => {
  // Not rmSync: its recursion overflows the stack on 1,800 nested folders.
  if (work) await removeTree(work);
}, 120_000);

function expectRefused(result: Result, why: RegExp): void {
  expect(result.status).toBe("graded");
  expect(result.score).toBe(0);
  expect(result.problem?.kind).toBe("too-big");
  expect(result.problem?.message).toMatch(why);
}

function expectBombGraded(result: Result): void {
  expect(result.status).toBe("graded"); // never "could not grade"
  expect(result.error).toBeUndefined();
  expect(result.score).toBeLessThan(result.maxScore); // the bomb replaced the real session: the count is lost
}

describe("the private copy is bounded and never blocks", () => {
  test("the bomb cookie is 330 bytes, and reading it neither throws nor recurses", () => {
    expect(BOMB.length).toBeLessThan(400);
    expect(decodeSession(BOMB)).toBeNull();
    expect(tamperSession(BOMB)).toBeNull();
  });

  test("each shape is refused before anything is copied, and the private folder is removed", async () => {
    const base = mkdtempSync(join(work, "tmp-"));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = base;
    try {
      for (const [name, why] of Object.entries(HOSTILE)) {
        const error = await prepareSandbox({ submission: join(cls, name) }).then(() => undefined, (err: unknown) => err);
        expect(error).toBeInstanceOf(SubmissionTooBig);
        expect((error as SubmissionTooBig).problem.message).toMatch(why);
      }
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(readdirSync(base)).toEqual([]);
  });

  test("a copy keeps links as links and file modes, and its removal gets past folders the app locked", async () => {
    const from = mkdtempSync(join(work, "from-"));
    cpSync(SOLUTION, from, { recursive: true });
    mkdirSync(join(from, "static", "img"), { recursive: true });
    writeFileSync(join(from, "static", "img", "a.txt"), "a");
    writeFileSync(join(from, "run.sh"), "#!/bin/sh\n", { mode: 0o755 });
    const { symlinkSync, statSync, readlinkSync, chmodSync, existsSync } = await import("node:fs");
    symlinkSync("/etc/passwd", join(from, "link"));
    const to = join(mkdtempSync(join(work, "to-")), "app");
    await copySubmission(from, to);
    expect(readlinkSync(join(to, "link"))).toBe("/etc/passwd");
    expect(statSync(join(to, "run.sh")).mode & 0o777).toBe(0o755);
    chmodSync(join(to, "static", "img"), 0o500);
    chmodSync(join(to, "static"), 0o000);
    await removeTree(to);
    expect(existsSync(to)).toBe(false);
  });
});

describe("a class with hostile shapes: innocent students keep full marks", () => {
  for (const launcher of ["warm", "cold"] as const) {
    test(`batch, ${launcher}, --jobs 2`, async () => {
      const summary = await runBatch({ classDir: cls, out: join(work, `out-${launcher}`), exercises: ["visit-counter"], specsDir: packageFile("specs"), jobs: 2, launcher });
      const byStudent = new Map(summary.rows.map((r) => [r.student, r.results[0]!]));
      for (const name of INNOCENTS) {
        expect([name, byStudent.get(name)?.status, byStudent.get(name)?.score]).toEqual([name, "graded", byStudent.get(name)?.maxScore]);
      }
      for (const [name, why] of Object.entries(HOSTILE)) expectRefused(byStudent.get(name)!, why);
      expectBombGraded(byStudent.get("cookie-bomb")!);
      if (launcher === "warm") expect(summary.boots.cold).toBe(0); // no stall made the warm server give up
    }, 240_000);
  }
});

describe("one hostile submission at a time", () => {
  test("cold (grade, as the jest reporter does)", async () => {
    for (const [name, why] of Object.entries(HOSTILE)) expectRefused(await grade(spec, join(cls, name)), why);
    expectBombGraded(await grade(spec, join(cls, "cookie-bomb")));
  }, 120_000);

  test("warm (the CLI)", async () => {
    const cli = async (name: string) => {
      let stdout = "";
      let stderr = "";
      const code = await main([join(cls, name), "--exercise", "visit-counter", "--format", "json"], {
        stdout: { write: (t: string) => (stdout += t), isTTY: false },
        stderr: { write: (t: string) => (stderr += t) },
        env: {},
      });
      expect(stderr).not.toMatch(/started cold/); // the warm server was not given up
      expect(code).toBe(0);
      return (JSON.parse(stdout) as { results: Result[] }).results[0]!;
    };
    for (const [name, why] of Object.entries(HOSTILE)) expectRefused(await cli(name), why);
    expectBombGraded(await cli("cookie-bomb"));
  }, 120_000);
});
