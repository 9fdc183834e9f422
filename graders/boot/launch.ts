/**
 * The cold path of booting: one fresh Python process per app (started with execa), in its own
 * process group, running runner.py. What it reports is read by handshake.ts.
 */
import { packageFile } from "../paths.js";
import { ChannelReader, handshake, type AppProcess, type BootOutcome } from "./handshake.js";
import type { Sandbox } from "./isolation.js";
import { OutputBuffer } from "./output.js";
import { track, untrack } from "./reaper.js";
import { DEFAULT_SETUP_SECONDS, setupArgs, type RunnerSetupStep } from "./setupSteps.js";
import { baseRunnerEnv, PYTHON_CWD, PYTHON_FLAGS } from "./pythonCommand.js";

export { baseRunnerEnv, PYTHON_CWD, PYTHON_FLAGS };

const RUNNER = packageFile("graders/boot/runner.py");

export interface LaunchOptions {
  python: string;
  /** Absolute path of the submission folder (with a sandbox: its private copy, `sandbox.dir`). */
  dir: string;
  /** Entry file or package folder relative to `dir` (see entryForm.ts). */
  entry: string;
  /** `create_app()`, `application`: what to take from the entry; none: Flask's own search. */
  attribute?: string;
  /** Python packages the exercise allows (see allowedPackages.ts). */
  packages?: readonly string[];
  bootSeconds: number;
  /**
   * Isolate the app (see isolation.ts and sandbox.py): it is reached on the sandbox's Unix socket.
   * Without it the app is a plain process on a loopback port.
   */
  sandbox?: Sandbox;
  /**
   * Boot a fresh interpreter, never a fork of a warm server: a retry after an outcome that may
   * have been the grader's (see verdict/fault.ts) runs on an app that shares nothing with it.
   */
  cold?: boolean;
  /** Setup steps to run in the private copy before the app boots (see setupSteps.ts). */
  setup?: readonly RunnerSetupStep[];
  /** Seconds each setup step may take. */
  setupSeconds?: number;
}

/** The runner's command-line arguments (after runner.py) for an app: the same on every launcher. */
export function runnerArgs(options: LaunchOptions): string[] {
  return [`${options.dir}/${options.entry}`, ...(options.attribute !== undefined ? ["--app", options.attribute] : []), ...(options.sandbox ? ["--listen", `unix:${options.sandbox.socketPath}`] : []), ...setupArgs(options.setup, options.setupSeconds ?? DEFAULT_SETUP_SECONDS)];
}

/**
 * The environment a runner starts with: nothing of the grader's (no tokens, no secrets) but what
 * the interpreter needs, and the sandbox's settings (which the runner reads and removes).
 */
export function runnerEnv(options: LaunchOptions): Record<string, string> {
  const env = baseRunnerEnv();
  if (options.sandbox) env.AUTOGRADER_SANDBOX = JSON.stringify(options.sandbox.config());
  return env;
}

/**
 * execa, loaded on first use: runs that boot through the warm zygote never pay its import
 * (~150 ms). One shared promise, so concurrent first launches import it once.
 */
let execaModule: Promise<typeof import("execa")> | undefined;
const loadExeca = () => (execaModule ??= import("execa"));

export async function launch(options: LaunchOptions): Promise<BootOutcome> {
  const { execa } = await loadExeca();
  const child = execa(options.python, [...PYTHON_FLAGS, RUNNER, ...runnerArgs(options)], {
    cwd: PYTHON_CWD, // the runner moves into the app's folder only once isolated (see serve())
    detached: true, // own process group: stopping kills the app and anything it started
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    buffer: false,
    reject: false,
    cleanup: false,
    extendEnv: false, // never the grader's environment
    env: { ...runnerEnv(options), AUTOGRADER_PARENT_PID: String(process.pid) },
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

  const proc: AppProcess = {
    events,
    output,
    exitReason: () => exited,
    spawnError: () => notSpawned,
    finished,
    async kill() {
      if (child.pid && !exited) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await finished;
      untrack(child);
    },
  };
  return handshake(proc, options);
}
