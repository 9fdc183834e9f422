/**
 * The runner's side of a boot, whoever started it: reading its private channel, telling a ready
 * app from one that could not start (and why), and wrapping a ready one as a RunningApp.
 * The cold path (launch.ts) feeds it a spawned process; other launchers can feed it theirs.
 */
import { StringDecoder } from "node:string_decoder";
import { GraderError } from "../errors.js";
import { startDeadline } from "../deadline.js";
import type { AppEnding } from "../verdict/fault.js";
import type { AnsweringView, AppException, AppRoute, Problem, SourceLocation, SourceScan } from "../verdict/types.js";
import type { Target } from "../drive/browser.js";
import { limitPhrase, settleIsolation, type AppLimits, type Sandbox } from "./isolation.js";
import type { OutputBuffer } from "./output.js";
import { requireAllowedPackage } from "./allowedPackages.js";
import { nameText, plainText } from "../verdict/studentText.js";
import { bootBudget, DEFAULT_SETUP_SECONDS, setupProblem, type RunnerSetupStep } from "./setupSteps.js";
import { blankLocations, scanFrom, writesFrom } from "./sourceFindings.js";
import { appPathRewriter } from "./appPaths.js";
import * as words from "../words/startup.js";
import * as faultWords from "../words/faults.js";

/** A booted submission: how to reach it, what it printed, and how to stop it. */
export interface RunningApp {
  readonly target: Target;
  /** Advisory notes the runner made while importing (e.g. `app-run-called`). */
  readonly notes: RunnerNote[];
  readonly output: OutputBuffer;
  /** The exception a request raised, if the runner reported one for that request id. */
  exceptionFor(requestId: string, waitMs: number): Promise<AppException | undefined>;
  /** The app's routes (Flask's url_map, the static route left out), when the runner reported them. */
  readonly routes?: AppRoute[];
  /** What the runner's scan read in the source before any student code ran (sourceScan.py). */
  readonly scan?: SourceScan;
  /** The view function that answered a request, if the runner reported one for that request id. */
  viewFor(requestId: string, waitMs: number): Promise<AnsweringView | undefined>;
  /** Why the process ended, if it has (naming the limit when one stopped it). */
  exitReason(): string | undefined;
  /** How the process ended, if it has: for the fault classifier (verdict/fault.ts). */
  ending(): AppEnding | undefined;
  /** Whether the app runs isolated (undefined: no isolation was asked for). */
  readonly isolated?: boolean;
  /** Kills the app and everything it started; calling it again does nothing. */
  stop(): Promise<void>;
}

export type BootOutcome = { app: RunningApp } | { problem: Problem };

/** The interpreter itself could not be started (missing, not executable): the grader's fault, not the student's. */
export class LaunchError extends GraderError {}

/**
 * The note kinds runner.py sends, and the only ones believed: student code can write to the
 * channel, and a note of its own choosing would reach every report (hidden checks' requests
 * logged by the app and replayed as notes, for one). The grader words each kind itself.
 */
export const RUNNER_NOTES = ["app-run-called"] as const;
export type RunnerNote = (typeof RUNNER_NOTES)[number];

function isRunnerNote(kind: unknown): kind is RunnerNote {
  return (RUNNER_NOTES as readonly unknown[]).includes(kind);
}

/** The runner's notes among the channel's events: known kinds only, each once. */
export function runnerNotes(events: readonly ChannelEvent[]): RunnerNote[] {
  const kinds = events.filter((e) => e.event === "note").map((e) => e.kind);
  return [...new Set(kinds.filter(isRunnerNote))];
}

export interface ChannelEvent {
  event: "ready" | "problem" | "scan" | "exception" | "routes" | "endpoint" | "note" | "fatal" | "sandbox" | "limit";
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
  /** The app's sandbox: its socket is the only one a ready app may claim; its limits name why it stopped. */
  sandbox?: Sandbox;
  /** Python packages the exercise allows (see allowedPackages.ts). */
  packages?: readonly string[];
  /** Setup steps this boot runs before the app starts (see setupSteps.ts), and each one's time limit. */
  setup?: readonly RunnerSetupStep[];
  setupSeconds?: number;
  /** The app's folder: its absolute path is taken out of what the app says (appPaths.ts). */
  dir?: string;
}

export async function handshake(proc: AppProcess, options: HandshakeOptions): Promise<BootOutcome> {
  const expected = options.sandbox?.socketPath;
  // The student's code runs in the runner's process and could write to the channel's descriptor:
  // a "ready" naming any socket but the one the grader chose is not believed.
  const isReady = (e: ChannelEvent) => e.event === "ready" && (expected === undefined ? typeof e.port === "number" : e.socket === expected);
  // A runner's own "fatal" (no Flask, no isolation where it is required) comes before it reports
  // its isolation: no student code has run yet. One after that report was written by that code.
  const isFatal = (e: ChannelEvent) => {
    if (e.event !== "fatal") return false;
    const reported = proc.events.all.findIndex((x) => x.event === "sandbox");
    return !options.sandbox || reported < 0 || proc.events.all.indexOf(e) < reported;
  };
  const budget = bootBudget(options.bootSeconds, options.setup, options.setupSeconds ?? DEFAULT_SETUP_SECONDS);
  const first = await proc.events.next((e) => isReady(e) || e.event === "problem" || isFatal(e), budget * 1000);
  const sandboxed = proc.events.all.find((e) => e.event === "sandbox");
  if (sandboxed && options.sandbox) {
    const fault = await settleIsolation(sandboxed.isolated === true, String(sandboxed.reason ?? ""), options.sandbox, options.python);
    if (fault) {
      await proc.kill();
      throw new LaunchError(faultWords.couldNotIsolate(fault));
    }
  }
  const limits = options.sandbox?.limits;
  const exitReason = () => limitReason(proc, limits) ?? proc.exitReason();
  let stopped: Promise<void> | undefined;
  let stoppedWhileRunning = false;
  const ending = (): AppEnding | undefined => {
    const reason = exitReason();
    if (reason === undefined) return undefined;
    const limit = limitOf(proc, limits);
    return { reason, ...(limit && { limit }), ...(stoppedWhileRunning && !limit && { byGrader: true }) };
  };
  const notSpawned = proc.spawnError();
  if (notSpawned) {
    await proc.kill();
    throw new LaunchError(faultWords.couldNotStartPython(options.python, notSpawned));
  }
  if (first?.event === "fatal") {
    await proc.kill();
    throw new LaunchError(String(first.message));
  }
  if (first?.event === "problem" && first.kind === "missing-module" && typeof first.module === "string") {
    await requireAllowedPackage(options.python, first.module, options.packages).catch(async (err: unknown) => {
      await proc.kill();
      throw err;
    });
  }
  if (!first || first.event === "problem") {
    const found = first ? problemFrom(first, options.entry, limits, options.setupSeconds) : await noHandshake(proc, options, exitReason);
    const problem = { ...found, message: appPathRewriter(options.dir)(found.message) };
    await proc.kill();
    return { problem };
  }

  const relative = appPathRewriter(options.dir);
  const app: RunningApp = {
    target: typeof first.socket === "string" ? { baseUrl: "http://student.localhost", socketPath: first.socket } : { baseUrl: `http://127.0.0.1:${first.port as number}` },
    notes: runnerNotes(proc.events.all),
    output: proc.output,
    async exceptionFor(requestId, waitMs) {
      const e = await proc.events.next((ev) => ev.event === "exception" && ev.request === requestId, waitMs);
      if (!e) return undefined;
      const exception = exceptionFrom(e, limits);
      return { ...exception, message: relative(exception.message), summary: relative(exception.summary) };
    },
    routes: routesFrom(proc.events.all.find((e) => e.event === "routes")),
    scan: scanFrom(proc.events.all),
    async viewFor(requestId, waitMs) {
      const e = await proc.events.next((ev) => ev.event === "endpoint" && ev.request === requestId, waitMs);
      return e ? viewFrom(e) : undefined;
    },
    exitReason,
    ending,
    isolated: options.sandbox ? sandboxed?.isolated === true : undefined,
    stop: () => {
      if (!stopped && proc.exitReason() === undefined) stoppedWhileRunning = true;
      return (stopped ??= proc.kill());
    },
  };
  return { app };
}

/**
 * Why the app ended, when a limit ended it: the runner's report, or the signal the kernel sends
 * for it (without isolation there is no runner left to report).
 */
function limitReason(proc: AppProcess, limits: AppLimits | undefined): string | undefined {
  const limit = limitOf(proc, limits);
  const phrase = limit && limits ? limitPhrase(limit, limits) : undefined;
  return phrase ? words.stoppedForLimit(phrase) : undefined;
}

/** The limit that ended the app, by the runner's report or the kernel's signal, if one did. */
function limitOf(proc: AppProcess, limits: AppLimits | undefined): string | undefined {
  if (!limits) return undefined;
  const reported = proc.events.all.find((e) => e.event === "limit");
  const exited = proc.exitReason() ?? "";
  const limit = reported ? String(reported.limit) : /SIGXCPU/.test(exited) ? "cpu" : /SIGXFSZ/.test(exited) ? "file-size" : undefined;
  return limit && limitPhrase(limit, limits) ? limit : undefined;
}

/** Exceptions that mean the app ran into one of its limits, and which one. */
function limitOfException(type: string, summary: string): string | undefined {
  if (type === "MemoryError") return "memory";
  if (/\[Errno 27\]|File too large/.test(summary)) return "file-size";
  if (/\[Errno 24\]|Too many open files/.test(summary)) return "open-files";
  if (type === "BlockingIOError" && /\[Errno 11\]/.test(summary)) return "processes"; // fork's EAGAIN
  // A thread that cannot start: too many of them, or no memory left for its stack.
  if (/can't start new thread/.test(summary)) return "threads";
  return undefined;
}

const LIMIT_HINTS = words.LIMIT_HINTS;

/** An exception's summary, with the limit it ran into named. */
function withLimit(type: string, summary: string, limits: AppLimits | undefined): { summary: string; limit?: string } {
  const limit = limits ? limitOfException(type, summary) : undefined;
  const phrase = limit && limits ? limitPhrase(limit, limits) : undefined;
  return phrase ? { summary: words.overLimit(summary, phrase), limit } : { summary };
}

async function noHandshake(proc: AppProcess, options: HandshakeOptions, exitReason: () => string | undefined): Promise<Problem> {
  // Give an exiting process a moment so we can tell a crash from a hang.
  await Promise.race([proc.finished, new Promise((r) => setTimeout(r, 50))]);
  const tail = plainText(proc.output.tail(600));
  const exited = exitReason();
  if (!exited) {
    return {
      kind: "boot-timeout",
      message: words.bootTimeout(options.bootSeconds),
      hint: words.BOOT_TIMEOUT_HINT,
      locations: [],
    };
  }
  const limit = limitOf(proc, options.sandbox?.limits);
  return {
    kind: "boot-failed",
    message: words.stoppedBeforeReady(exited, tail),
    hint: limit ? LIMIT_HINTS[limit] : undefined,
    locations: [],
    ...(limit && { limit }),
  };
}

/**
 * The channel's fields are student text: the runner relays what the student's code raised (and
 * that code can write to the channel itself). Each is made plain here, where it enters; file
 * names are names (one line, odd characters visible).
 */
function field(value: unknown): string {
  return plainText(String(value));
}

function locationOf(e: ChannelEvent): SourceLocation | undefined {
  return typeof e.file === "string" && typeof e.line === "number" ? { file: nameText(e.file), line: e.line } : undefined;
}

function problemFrom(e: ChannelEvent, entry: string, limits?: AppLimits, setupSeconds = DEFAULT_SETUP_SECONDS): Problem {
  const location = locationOf(e);
  const at: SourceLocation[] = location ? [location] : [];
  switch (e.kind) {
    case "setup":
      return setupProblem(e, entry, setupSeconds);
    case "blanks": {
      // Found by the runner's scan before the import (sourceScan.py): every location, and no
      // traceback (Python would only say "name '___' is not defined").
      const blanks = blankLocations(e.locations);
      return {
        kind: "blanks",
        message: words.blanks(blanks),
        hint: words.BLANKS_HINT,
        locations: blanks,
      };
    }
    case "syntax":
      return {
        kind: "syntax",
        message: words.syntaxError(nameText(String(e.file)), e.line, field(e.message), e.text ? field(e.text) : undefined),
        hint: words.SYNTAX_HINT,
        locations: at,
      };
    case "missing-module":
      return {
        kind: "missing-module",
        message: words.missingModule(field(e.module)),
        hint: e.own ? words.missingOwnModuleHint(field(e.module)) : words.MISSING_MODULE_HINT,
        locations: at,
      };
    case "no-app":
      return {
        kind: "no-app",
        message: words.noApp(entry, field(e.message)),
        hint: words.NO_APP_HINT,
        locations: [],
      };
    default: {
      const { summary, limit } = withLimit(field(e.type), field(e.summary), limits);
      return {
        kind: "import-crash",
        message: words.importCrash(summary, at[0]),
        hint: (limit && LIMIT_HINTS[limit]) ?? words.IMPORT_CRASH_HINT,
        locations: at,
      };
    }
  }
}

function exceptionFrom(e: ChannelEvent, limits?: AppLimits): AppException {
  return {
    type: field(e.type),
    message: field(e.message),
    summary: withLimit(field(e.type), field(e.summary), limits).summary,
    location: locationOf(e),
  };
}

/** The routes event's list, checked field by field (student code shares the runner's process). */
function routesFrom(e: ChannelEvent | undefined): AppRoute[] | undefined {
  if (!e || !Array.isArray(e.routes)) return undefined;
  return (e.routes as unknown[]).slice(0, 100).flatMap((r) => {
    const { rule, endpoint, methods } = (r ?? {}) as Record<string, unknown>;
    if (typeof rule !== "string" || typeof endpoint !== "string" || !Array.isArray(methods)) return [];
    // Route names are student text, shown in hints: one line, odd characters visible, bounded.
    const name = (text: string) => nameText(text.slice(0, 200));
    return [{ rule: name(rule), endpoint: name(endpoint), methods: methods.filter((m): m is string => typeof m === "string").slice(0, 10).map(name) }];
  });
}

function viewFrom(e: ChannelEvent): AnsweringView {
  return {
    endpoint: nameText(field(e.endpoint).slice(0, 200)),
    function: nameText(field(e.function ?? "").slice(0, 200)),
    location: locationOf(e),
    ...(Array.isArray(e.writes) && { writes: writesFrom(e.writes) }),
    ...(e.session === "flask" && { flaskSession: true }),
  };
}

/** Longest channel line kept; the runner's lines are far shorter (an exception's message is the longest). */
const MAX_LINE_CHARS = 64 * 1024;
/** Events kept of each kind; the handshake only ever uses the first ready/problem/fatal/sandbox/limit. */
const MAX_EVENTS: Record<string, number> = { exception: 500, endpoint: 500, note: 50 };
/** Per-request events: past the bound, the latest are kept (each is waited for just after its request). */
const LATEST_KEPT = new Set(["exception", "endpoint"]);
const MAX_OTHER_EVENTS = 8;

/**
 * Reads newline-delimited JSON events and lets callers wait for the one they need. Bounded: the
 * runner shares its process with the student's code, which can write to the channel's descriptor;
 * over-long lines and events beyond a per-kind count are dropped (and counted).
 */
export class ChannelReader {
  readonly all: ChannelEvent[] = [];
  /** Lines and events dropped because of the bounds. */
  dropped = 0;
  private partial = "";
  private discarding = false;
  private decoder = new StringDecoder("utf8");
  private counts = new Map<string, number>();
  private waiters: Array<() => void> = [];
  private closed = false;

  add(chunk: Buffer): void {
    const lines = (this.partial + this.decoder.write(chunk)).split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) {
      if (this.discarding) {
        this.discarding = false; // the end of an over-long line
        continue;
      }
      this.accept(line);
    }
    if (this.partial.length > MAX_LINE_CHARS) {
      this.partial = "";
      this.discarding = true;
      this.dropped++;
    }
    this.wake();
  }

  private accept(line: string): void {
    if (line.length > MAX_LINE_CHARS) {
      this.dropped++;
      return;
    }
    let event: ChannelEvent;
    try {
      event = JSON.parse(line) as ChannelEvent;
    } catch {
      return; // not ours: the channel only carries the runner's JSON lines
    }
    if (typeof event !== "object" || event === null || typeof event.event !== "string") return;
    const count = this.counts.get(event.event) ?? 0;
    if (count >= (MAX_EVENTS[event.event] ?? MAX_OTHER_EVENTS)) {
      this.dropped++;
      if (!LATEST_KEPT.has(event.event)) return;
      const oldest = this.all.findIndex((e) => e.event === event.event);
      this.all.splice(oldest, 1);
      this.all.push(event);
      return;
    }
    this.counts.set(event.event, count + 1);
    this.all.push(event);
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

  /**
   * The first event (old or new) that matches, or undefined when the channel closes or after
   * `timeoutMs` of the grader's running time (its own stalls do not count; what arrived is read first).
   */
  async next(match: (e: ChannelEvent) => boolean, timeoutMs: number): Promise<ChannelEvent | undefined> {
    const now = this.all.find(match);
    if (now || this.closed || timeoutMs <= 0) return now;
    const deadline = startDeadline(timeoutMs, () => this.wake());
    try {
      for (;;) {
        const found = this.all.find(match);
        if (found || this.closed || deadline.expired) return found;
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    } finally {
      deadline.cancel();
    }
  }
}
