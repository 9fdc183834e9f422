/**
 * The grader's side of isolating a submission's app (the app's side is graders/boot/sandbox.py,
 * which the runner enters before any student code runs, on the cold and the warm path alike).
 *
 * Per submission: a private folder in a fresh temporary folder, holding a copy of the submission
 * (the app's only writable folder on disk), the folder of the Unix socket the app is reached on
 * (the app cannot see it), and an empty folder the sandbox mounts its new root on. It is removed
 * when grading ends (the copy and its removal are in privateCopy.ts). Per process: whether this
 * machine can isolate at all, so that later apps do not try again and the fallback is announced
 * once. An app that was isolated proves it can; an app that was not proves nothing by itself (one
 * odd failure must not turn isolation off for a whole class): a probe that is no student's app
 * decides. A grader killed with SIGKILL cannot remove its private folders:
 * each records its owner, and the next grader to start removes those whose owner is gone.
 */
import { randomInt } from "node:crypto";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { packageRoot } from "../paths.js";
import { makeOwnedFolder, markOwned, sweepOnce } from "./ownedFolders.js";
import { copySubmission, removeTree } from "./privateCopy.js";
import { PRIVATE_FOLDER, PROBE_FOLDER } from "./tempFolders.js";

/** `auto`: isolate when the machine allows it, else run the plain process (and say so once). */
export type IsolationMode = "auto" | "required" | "off";
export const ISOLATION_MODES: readonly IsolationMode[] = ["auto", "required", "off"];

/** What the app may use. Each has a default; a spec's `limits:` or a CLI flag changes it. */
export interface AppLimits {
  /** Address space of each of the app's processes, in MB. */
  memoryMb: number;
  /** Processor time of each of the app's processes, in seconds. */
  cpuSeconds: number;
  /** Processes and threads the app may have at once (only with isolation). */
  processes: number;
  /** Largest file the app may write, in MB; also the size of its private /tmp. */
  fileSizeMb: number;
  /** Files and sockets each process may have open at once. */
  openFiles: number;
}

export const DEFAULT_APP_LIMITS: Readonly<AppLimits> = { memoryMb: 512, cpuSeconds: 10, processes: 32, fileSizeMb: 16, openFiles: 128 };
export const LIMIT_NAMES = Object.keys(DEFAULT_APP_LIMITS) as Array<keyof AppLimits>;

/** Later layers win: defaults, then the spec's limits, then the command line's. */
export function resolveLimits(...layers: Array<Partial<Record<keyof AppLimits, number | undefined>> | undefined>): AppLimits {
  const limits = { ...DEFAULT_APP_LIMITS };
  for (const layer of layers) {
    for (const name of LIMIT_NAMES) {
      const value = layer?.[name];
      if (typeof value === "number" && Number.isFinite(value) && value > 0) limits[name] = value;
    }
  }
  return limits;
}

/** How a limit is named in feedback, by the runner's name for it. */
export function limitPhrase(limit: string, limits: AppLimits): string | undefined {
  switch (limit) {
    case "cpu":
      return `the CPU time limit (${limits.cpuSeconds} s of processor time)`;
    case "memory":
      return `the memory limit (${limits.memoryMb} MB)`;
    case "processes":
      return `the limit on processes and threads (${limits.processes})`;
    case "threads":
      return `the limit on processes and threads (${limits.processes}) or the memory limit (${limits.memoryMb} MB)`;
    case "file-size":
      return `the file size limit (${limits.fileSizeMb} MB)`;
    case "open-files":
      return `the limit on open files (${limits.openFiles})`;
    default:
      return undefined;
  }
}

/** What the runner is told (AUTOGRADER_SANDBOX): see graders/boot/sandbox.py. */
export interface SandboxConfig {
  copy: string;
  root: string;
  hide: string[];
  limits: AppLimits;
  mode: IsolationMode;
  /** Chosen once per private folder: the app's uid (when the grader is root) is the same on every restart. */
  uid: number;
}

/** One submission's private folder, for as long as it is graded. */
export interface Sandbox {
  /** The private copy: the app's folder. */
  readonly dir: string;
  /** Where the app listens; in a folder the isolated app cannot see. */
  readonly socketPath: string;
  readonly limits: AppLimits;
  /** The mode asked for (`auto` may still run plainly: see `isolationState()`). */
  readonly mode: IsolationMode;
  /** What to tell the runner for the next boot. */
  config(): SandboxConfig;
  /** The grader's own probe app, not a student's. */
  readonly probe: boolean;
  /** Removes the private folder (after the app is stopped). */
  dispose(): Promise<void>;
}

export interface SandboxOptions {
  /** The submission folder (absolute). */
  submission: string;
  /** The grader's own probe app (see settleIsolation), not a student's. */
  probe?: boolean;
  limits?: AppLimits;
  mode?: IsolationMode;
}

/** Longest path a Unix socket can have on Linux (108 bytes with the final NUL). */
const MAX_SOCKET_PATH = 107;

/**
 * Makes a submission's private folder. Throws SubmissionTooBig (privateCopy.ts) when the submission
 * is bigger than a copy may be: the student's to fix. Never blocks the event loop.
 */
export async function prepareSandbox(options: SandboxOptions): Promise<Sandbox> {
  const submission = resolve(options.submission);
  const limits = options.limits ?? { ...DEFAULT_APP_LIMITS };
  const mode = options.mode ?? defaultMode();
  let base = process.env.TMPDIR?.replace(/\/+$/, "") || tmpdir();
  if (join(base, `${PRIVATE_FOLDER.prefix}XXXXXX`, "sock", "app.sock").length > MAX_SOCKET_PATH) base = "/tmp";
  await sweepOnce(base, PRIVATE_FOLDER);
  // Its real path: the sandbox mounts the copy at the path the runner is given.
  const folder = await fs.realpath(await fs.mkdtemp(join(base, PRIVATE_FOLDER.prefix)));
  try {
    await markOwned(folder); // a grader killed with SIGKILL leaves it to the next one's sweep
    const dir = join(folder, "app");
    await copySubmission(submission, dir);
    await fs.mkdir(join(folder, "sock"));
    await fs.mkdir(join(folder, "root"));
    let disposed: Promise<void> | undefined;
    const uid = randomInt(1, 500_000_000);
    return {
      dir,
      socketPath: join(folder, "sock", "app.sock"),
      limits,
      mode,
      probe: options.probe === true,
      config: () => ({
        copy: dir,
        root: join(folder, "root"),
        hide: [packageRoot(), submission],
        limits,
        mode: effectiveMode(mode),
        uid,
      }),
      dispose: () => (disposed ??= removeTree(folder)),
    };
  } catch (err) {
    await removeTree(folder);
    throw err;
  }
}

/**
 * `auto` is decided once per process: where isolation works, a later failure is a grader fault
 * (retried, then "could not grade"), never an app that silently runs without isolation; where it
 * does not, later apps do not try again.
 */
function effectiveMode(mode: IsolationMode): IsolationMode {
  if (mode !== "auto" || state.available === undefined) return mode;
  return state.available ? "required" : "off";
}

/** The default mode: AUTOGRADER_ISOLATION when set to a mode, else `auto`. */
export function defaultMode(): IsolationMode {
  const fromEnv = process.env.AUTOGRADER_ISOLATION;
  return (ISOLATION_MODES as readonly string[]).includes(fromEnv ?? "") ? (fromEnv as IsolationMode) : "auto";
}

interface IsolationState {
  /** Undefined until an app was isolated or the probe has run. */
  available?: boolean;
  /** Why not, when not. */
  reason?: string;
  /** The fallback has been announced. */
  announced: boolean;
}

const state: IsolationState = { announced: false };
let probing: Promise<{ isolated: boolean; reason: string }> | undefined;
const probeReports = new WeakMap<Sandbox, { isolated: boolean; reason: string }>();

/**
 * Called with each runner's report ("sandbox" event) of how its isolation went, before the app is
 * used. Returns why the app must not be used (a grader fault: the caller stops it and the boot is
 * retried) when it ran without isolation although this machine can isolate; undefined otherwise.
 * The first failure in `auto` mode is checked by a probe (a minimal app of the grader's own): only
 * the machine, never one submission, decides that apps run without isolation.
 */
export async function settleIsolation(isolated: boolean, reason: string, sandbox: Sandbox, python: string): Promise<string | undefined> {
  if (sandbox.probe) {
    probeReports.set(sandbox, { isolated, reason });
    return undefined;
  }
  if (isolated) {
    state.available = true;
    return undefined;
  }
  if (sandbox.mode !== "auto" || state.available === false) return undefined; // asked for none, or none to be had
  if (state.available === undefined) {
    const probed = await (probing ??= probe(python, reason));
    if (state.available === undefined) {
      state.available = probed.isolated;
      if (!probed.isolated) state.reason = probed.reason;
    }
  }
  return state.available ? `the app could not be isolated this time (${reason}), although isolation works on this machine` : undefined;
}

/** Boots the grader's own minimal app in `auto` mode and reports how its isolation went. */
async function probe(python: string, appReason: string): Promise<{ isolated: boolean; reason: string }> {
  const dir = await makeOwnedFolder(PROBE_FOLDER); // removed below, or by the next grader's sweep
  try {
    await fs.writeFile(join(dir, "app.py"), "from flask import Flask\napp = Flask(__name__)\n");
    const sandbox = await prepareSandbox({ submission: dir, mode: "auto", probe: true });
    try {
      const { launch } = await import("./launch.js"); // launch.ts depends on this module: loaded when needed
      const outcome = await launch({ python, dir: sandbox.dir, entry: "app.py", bootSeconds: 30, sandbox });
      if ("app" in outcome) await outcome.app.stop();
    } finally {
      await sandbox.dispose();
    }
    return probeReports.get(sandbox) ?? { isolated: false, reason: appReason };
  } catch {
    return { isolated: false, reason: appReason }; // no probe to be had: the app's report is all there is
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export function isolationState(): Readonly<IsolationState> {
  return state;
}

/** The one-time note that apps run without isolation here, or undefined (isolated, or said already). */
export function takeIsolationNote(): string | undefined {
  if (state.available !== false || state.announced) return undefined;
  state.announced = true;
  return (
    `apps run without isolation on this machine (${state.reason}): no private network, file system or process ` +
    "namespace, only the per-process limits. Grade untrusted submissions where user namespaces are allowed."
  );
}
