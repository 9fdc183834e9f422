/**
 * The cold path of booting: one fresh Python process per app (started with execa), in its own
 * process group, running runner.py. What it reports is read by handshake.ts.
 */
import { execa } from "execa";
import { packageFile } from "../paths.js";
import { ChannelReader, handshake, type AppProcess, type BootOutcome } from "./handshake.js";
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

export async function launch(options: LaunchOptions): Promise<BootOutcome> {
  const child = execa(options.python, ["-u", RUNNER, `${options.dir}/${options.entry}`], {
    cwd: options.dir,
    detached: true, // own process group: stopping kills the app and anything it started
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
