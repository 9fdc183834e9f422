/**
 * The runner's side of a boot, whoever started it: reading its private channel, telling a ready
 * app from one that could not start (and why), and wrapping a ready one as a RunningApp.
 * The cold path (launch.ts) feeds it a spawned process; other launchers can feed it theirs.
 */
import { GraderError } from "../errors.js";
import type { AppException, Problem, SourceLocation } from "../verdict/types.js";
import type { Target } from "../drive/browser.js";
import type { OutputBuffer } from "./output.js";

/** A booted submission: how to reach it, what it printed, and how to stop it. */
export interface RunningApp {
  readonly target: Target;
  /** Advisory notes the runner made while importing (e.g. `app-run-called`). */
  readonly notes: string[];
  readonly output: OutputBuffer;
  /** The exception a request raised, if the runner reported one for that request id. */
  exceptionFor(requestId: string, waitMs: number): Promise<AppException | undefined>;
  /** Why the process ended, if it has. */
  exitReason(): string | undefined;
  /** Kills the app and everything it started; calling it again does nothing. */
  stop(): Promise<void>;
}

export type BootOutcome = { app: RunningApp } | { problem: Problem };

/** The interpreter itself could not be started (missing, not executable): the grader's fault, not the student's. */
export class LaunchError extends GraderError {}

export interface ChannelEvent {
  event: "ready" | "problem" | "exception" | "note" | "fatal";
  [field: string]: unknown;
}

/** A started runner process, as the launcher that started it sees it. */
export interface AppProcess {
  readonly events: ChannelReader;
  readonly output: OutputBuffer;
  /** Why it ended ("it exited with code 1"), or undefined while it runs. */
  exitReason(): string | undefined;
  /** Set when the interpreter could not even be started. */
  spawnError(): string | undefined;
  /** Settles when the process has ended. */
  readonly finished: Promise<void>;
  /** Kill the process group and wait for the end. */
  kill(): Promise<void>;
}

export interface HandshakeOptions {
  python: string;
  entry: string;
  bootSeconds: number;
}

export async function handshake(proc: AppProcess, options: HandshakeOptions): Promise<BootOutcome> {
  const first = await proc.events.next((e) => e.event === "ready" || e.event === "problem" || e.event === "fatal", options.bootSeconds * 1000);
  const notSpawned = proc.spawnError();
  if (notSpawned) {
    await proc.kill();
    throw new LaunchError(`Could not start the Python interpreter ${options.python} (${notSpawned}).`);
  }
  if (first?.event === "fatal") {
    await proc.kill();
    throw new LaunchError(String(first.message));
  }
  if (!first || first.event === "problem") {
    const problem = first ? problemFrom(first, options.entry) : await noHandshake(proc, options);
    await proc.kill();
    return { problem };
  }

  let stopped: Promise<void> | undefined;
  const app: RunningApp = {
    target: typeof first.socket === "string" ? { baseUrl: "http://student.localhost", socketPath: first.socket } : { baseUrl: `http://127.0.0.1:${first.port as number}` },
    notes: proc.events.all.filter((e) => e.event === "note").map((e) => String(e.kind)),
    output: proc.output,
    async exceptionFor(requestId, waitMs) {
      const e = await proc.events.next((ev) => ev.event === "exception" && ev.request === requestId, waitMs);
      return e ? exceptionFrom(e) : undefined;
    },
    exitReason: () => proc.exitReason(),
    stop: () => (stopped ??= proc.kill()),
  };
  return { app };
}

async function noHandshake(proc: AppProcess, options: HandshakeOptions): Promise<Problem> {
  // Give an exiting process a moment so we can tell a crash from a hang.
  await Promise.race([proc.finished, new Promise((r) => setTimeout(r, 50))]);
  const tail = proc.output.tail(600);
  const exited = proc.exitReason();
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
export class ChannelReader {
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
