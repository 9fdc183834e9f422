/**
 * Booting a submission: one Python process per app, in its own process group, that reports its
 * port (or why it could not start) over a private channel.
 */
import { execa, type ResultPromise } from "execa";
import { GraderError } from "../errors.js";
import type { AppException, Problem, SourceLocation } from "../verdict/types.js";
import { packageFile } from "../paths.js";
import { OutputBuffer } from "./output.js";
import { track, untrack } from "./reaper.js";

const RUNNER = packageFile("graders/boot/runner.py");

export interface LaunchOptions {
  python: string;
  /** Absolute path of the submission folder. */
  dir: string;
  /** Entry file relative to `dir`. */
  entry: string;
  bootSeconds: number;
}

/** A booted submission: how to reach it, what it printed, and how to stop it. */
export interface RunningApp {
  readonly baseUrl: string;
  /** Advisory notes the runner made while importing (e.g. `app-run-called`). */
  readonly notes: string[];
  readonly output: OutputBuffer;
  /** The exception a request raised, if the runner reported one for that request id. */
  exceptionFor(requestId: string, waitMs: number): Promise<AppException | undefined>;
  /** Why the process ended, if it has. */
  exitReason(): string | undefined;
  stop(): Promise<void>;
}

export type BootOutcome = { app: RunningApp } | { problem: Problem };

/** The interpreter itself could not be started (missing, not executable): the grader's fault, not the student's. */
export class LaunchError extends GraderError {}

interface ChannelEvent {
  event: "ready" | "problem" | "exception" | "note" | "fatal";
  [field: string]: unknown;
}

export async function launch(options: LaunchOptions): Promise<BootOutcome> {
  const child = execa(options.python, ["-u", RUNNER, `${options.dir}/${options.entry}`], {
    cwd: options.dir,
    detached: true, // own process group: stop() kills the app and anything it started
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    buffer: false,
    reject: false,
    cleanup: false,
    env: { AUTOGRADER_PARENT_PID: String(process.pid), PYTHONDONTWRITEBYTECODE: "1", PYTHONUNBUFFERED: "1" },
  });
  track(child);
  const output = new OutputBuffer();
  child.stderr?.on("data", (chunk: Buffer) => output.add(chunk));
  const events = new ChannelReader();
  child.stdout?.on("data", (chunk: Buffer) => events.add(chunk));

  let exited: string | undefined;
  let notSpawned: string | undefined;
  const finished = child.then((r) => {
    const cause = r.cause as NodeJS.ErrnoException | undefined;
    if (r.exitCode === undefined && !r.signal && cause?.syscall?.startsWith("spawn")) notSpawned = cause.code ?? cause.message;
    exited = r.signal ? `it was stopped by ${r.signal}` : `it exited with code ${r.exitCode}`;
    events.close();
  });

  const first = await events.next((e) => e.event === "ready" || e.event === "problem" || e.event === "fatal", options.bootSeconds * 1000);
  if (notSpawned) {
    untrack(child);
    throw new LaunchError(`Could not start the Python interpreter ${options.python} (${notSpawned}).`);
  }
  if (first?.event === "fatal") {
    await kill(child, finished);
    throw new LaunchError(String(first.message));
  }
  if (!first || first.event === "problem") {
    const problem = first ? problemFrom(first, options.entry) : await noHandshake(exited, finished, output, options);
    await kill(child, finished);
    return { problem };
  }

  const app: RunningApp = {
    baseUrl: `http://127.0.0.1:${first.port as number}`,
    notes: events.all.filter((e) => e.event === "note").map((e) => String(e.kind)),
    output,
    async exceptionFor(requestId, waitMs) {
      const e = await events.next((ev) => ev.event === "exception" && ev.request === requestId, waitMs);
      return e ? exceptionFrom(e) : undefined;
    },
    exitReason: () => exited,
    stop: () => kill(child, finished),
  };
  return { app };
}

async function kill(child: ResultPromise, finished: Promise<void>): Promise<void> {
  if (child.pid) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await finished;
  untrack(child);
}

async function noHandshake(exited: string | undefined, finished: Promise<void>, output: OutputBuffer, options: LaunchOptions): Promise<Problem> {
  // Give an exiting process a moment so we can tell a crash from a hang.
  await Promise.race([finished, new Promise((r) => setTimeout(r, 50))]);
  const tail = output.tail(600);
  if (!exited) {
    return {
      kind: "boot-timeout",
      message: `The app did not start within ${options.bootSeconds} s.`,
      hint: "Look for code at the top level of your file that never finishes: an endless loop, input(), time.sleep(), or a server started by hand.",
      locations: [],
    };
  }
  return {
    kind: "boot-failed",
    message: `The app stopped before it was ready (${exited}).${tail ? `\nIts last output:\n${tail}` : ""}`,
    locations: [],
  };
}

function problemFrom(e: ChannelEvent, entry: string): Problem {
  const at: SourceLocation[] = typeof e.file === "string" && typeof e.line === "number" ? [{ file: e.file, line: e.line }] : [];
  switch (e.kind) {
    case "syntax":
      return {
        kind: "syntax",
        message: `Python cannot read ${e.file} line ${e.line}: ${e.message}${e.text ? `\n    ${String(e.text).trim()}` : ""}`,
        hint: "Look at that line and the one before it: a missing colon, bracket or quote, or wrong indentation.",
        locations: at,
      };
    case "missing-module":
      return {
        kind: "missing-module",
        message: `Your app imports the module "${e.module}", which is not installed here.`,
        hint: e.own
          ? `A file ${e.module}.py exists in your folder: check that the import's spelling matches it.`
          : `Check the spelling of the import. Only Flask and the Python standard library are available to graded apps.`,
        locations: at,
      };
    case "no-app":
      return {
        kind: "no-app",
        message: `No Flask app found in ${entry}: ${e.message}`,
        hint: 'Create the app at the top level of the file with app = Flask(__name__).',
        locations: [],
      };
    default:
      return {
        kind: "import-crash",
        message: `Your app crashed while starting: ${e.summary}${at.length ? ` (${at[0].file} line ${at[0].line})` : ""}`,
        hint: "This happens before any page is requested: look at the code outside your view functions.",
        locations: at,
      };
  }
}

function exceptionFrom(e: ChannelEvent): AppException {
  return {
    type: String(e.type),
    message: String(e.message),
    summary: String(e.summary),
    location: typeof e.file === "string" && typeof e.line === "number" ? { file: e.file, line: e.line } : undefined,
  };
}

/** Reads newline-delimited JSON events and lets callers wait for the one they need. */
class ChannelReader {
  readonly all: ChannelEvent[] = [];
  private partial = "";
  private waiters: Array<() => void> = [];
  private closed = false;

  add(chunk: Buffer): void {
    const lines = (this.partial + chunk.toString("utf8")).split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) {
      try {
        this.all.push(JSON.parse(line) as ChannelEvent);
      } catch {
        // not ours: the channel only carries the runner's JSON lines
      }
    }
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The first event (old or new) that matches, or undefined after `timeoutMs` or when the channel closes. */
  async next(match: (e: ChannelEvent) => boolean, timeoutMs: number): Promise<ChannelEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.all.find(match);
      if (found || this.closed || Date.now() >= deadline) return found;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
