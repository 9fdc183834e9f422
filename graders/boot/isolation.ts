/**
 * The grader's side of isolating a submission's app (the app's side is graders/boot/sandbox.py,
 * which the runner enters before any student code runs, on the cold and the warm path alike).
 *
 * Per submission: a private folder in a fresh temporary folder, holding a copy of the submission
 * (the app's only writable folder on disk), the folder of the Unix socket the app is reached on
 * (the app cannot see it), and an empty folder the sandbox mounts its new root on. It is removed
 * when grading ends. Per process: whether this machine can isolate at all, learnt from the first
 * app that tried (the sandbox's own attempt is the probe), so that later apps do not try again and
 * the fallback is announced once. A grader killed with SIGKILL cannot remove its private folders:
 * each records its owner, and the next grader to start removes those whose owner is gone.
 */
import { randomInt } from "node:crypto";
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { packageRoot } from "../paths.js";

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
  /** Removes the private folder (after the app is stopped). */
  dispose(): void;
}

export interface SandboxOptions {
  /** The submission folder (absolute). */
  submission: string;
  limits?: AppLimits;
  mode?: IsolationMode;
}

/** Folders that are never an app's business and can be big: not copied. */
const NOT_COPIED = new Set([".git", "__pycache__", "node_modules"]);
/** Longest path a Unix socket can have on Linux (108 bytes with the final NUL). */
const MAX_SOCKET_PATH = 107;

export function prepareSandbox(options: SandboxOptions): Sandbox {
  const submission = resolve(options.submission);
  const limits = options.limits ?? { ...DEFAULT_APP_LIMITS };
  const mode = options.mode ?? defaultMode();
  let base = process.env.TMPDIR?.replace(/\/+$/, "") || tmpdir();
  if (join(base, "ag-XXXXXX", "sock", "app.sock").length > MAX_SOCKET_PATH) base = "/tmp";
  sweepOnce(base);
  // Its real path: the sandbox mounts the copy at the path the runner is given.
  const folder = realpathSync(mkdtempSync(join(base, "ag-")));
  try {
    writeFileSync(join(folder, OWNER), `${process.pid} ${startTime(process.pid)}\n`);
    const dir = join(folder, "app");
    cpSync(submission, dir, {
      recursive: true,
      verbatimSymlinks: true, // a link is copied as a link: inside the sandbox it points into nothing of ours
      filter: (source) => copied(source, submission),
    });
    mkdirSync(join(folder, "sock"));
    mkdirSync(join(folder, "root"));
    let disposed = false;
    const uid = randomInt(1, 500_000_000);
    return {
      dir,
      socketPath: join(folder, "sock", "app.sock"),
      limits,
      mode,
      config: () => ({
        copy: dir,
        root: join(folder, "root"),
        hide: [packageRoot(), submission],
        limits,
        mode: effectiveMode(mode),
        uid,
      }),
      dispose() {
        if (disposed) return;
        disposed = true;
        removeTree(folder);
      },
    };
  } catch (err) {
    removeTree(folder);
    throw err;
  }
}

/** In a private folder (not in the app's copy): "PID START" of the grader that made it. */
const OWNER = "owner";
const swept = new Set<string>();

/** Once per process and folder: private folders left by graders that are gone (killed with SIGKILL). */
function sweepOnce(base: string): void {
  if (swept.has(base)) return;
  swept.add(base);
  let names: string[];
  try {
    names = readdirSync(base).filter((n) => /^ag-[A-Za-z0-9]{6}$/.test(n));
  } catch {
    return;
  }
  for (const name of names) {
    let owner: string;
    try {
      owner = readFileSync(join(base, name, OWNER), "utf8");
    } catch {
      continue; // not ours, or being made right now
    }
    const [pid, start] = owner.trim().split(" ");
    if (!alive(Number(pid), start ?? "")) removeTree(join(base, name));
  }
}

/** The process's start time (clock ticks after boot, from /proc), so that a reused pid is not taken for it. */
function startTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
  } catch {
    return "";
  }
}

function alive(pid: number, start: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const now = startTime(pid);
  return !(start && now && now !== start);
}

function copied(source: string, top: string): boolean {
  if (source === top) return true;
  let stat;
  try {
    stat = lstatSync(source);
  } catch {
    return false;
  }
  if (stat.isSymbolicLink() || stat.isFile()) return true;
  if (!stat.isDirectory()) return false; // sockets, pipes, devices
  if (NOT_COPIED.has(basename(source))) return false;
  return !existsSync(join(source, "pyvenv.cfg")); // a virtual environment: the grader uses its own Python
}

/** Removes a folder whatever the app did to its permissions (as a plain user, a folder made unwritable blocks rm). */
function removeTree(folder: string): void {
  try {
    rmSync(folder, { recursive: true, force: true });
    return;
  } catch {
    // fall through: make it writable, then try again
  }
  const walk = (dir: string) => {
    try {
      chmodSync(dir, 0o700);
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (lstatSync(path).isDirectory()) walk(path);
      }
    } catch {
      // best effort
    }
  };
  walk(folder);
  rmSync(folder, { recursive: true, force: true });
}

/**
 * `auto` is decided once per process, by the first app that tries: where isolation failed, later
 * apps do not try again; where it worked, a later failure is a grader fault (retried, then "could
 * not grade"), never an app that silently runs without isolation.
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
  /** Undefined until an app has tried. */
  available?: boolean;
  /** Why not, when not. */
  reason?: string;
  /** The fallback has been announced. */
  announced: boolean;
}

const state: IsolationState = { announced: false };

/** Called with each runner's report ("sandbox" event) of how its isolation went. */
export function recordIsolation(isolated: boolean, reason: string, mode: IsolationMode): void {
  if (isolated) state.available = true;
  else if (mode === "auto" && state.available === undefined) {
    state.available = false;
    state.reason = reason;
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
