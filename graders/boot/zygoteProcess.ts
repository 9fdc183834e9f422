/**
 * Spawning the zygote (zygote.py: one Python that imports Flask once and forks every app), the one
 * Python start a run pays for. Apart from warm.ts, which runs the zygote (its socket, its children),
 * so that the command's entry can spawn it before anything else loads: this module needs only
 * Node's builtins, the interpreter's command line (pythonCommand.ts) and the reaper. A WarmServer
 * adopts the process spawned here; it is spawned nowhere else.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageFile } from "../paths.js";
import { mark } from "../timing.js";
import { baseRunnerEnv, PYTHON_CWD, PYTHON_FLAGS } from "./pythonCommand.js";
import { track } from "./reaper.js";
import type { FolderKind } from "./tempFolders.js";

/**
 * The zygote's socket folder (a kind of tempFolders.ts), written out here rather than made there:
 * nothing more may load before the spawn (earlyStart.test).
 */
export const ZYGOTE_FOLDER: FolderKind = { prefix: "autograde-warm-", pattern: /^autograde-warm-[A-Za-z0-9]{6}$/ };

const ZYGOTE = packageFile("graders/boot/zygote.py");

/** The zygote process: its pipes, and how it ended. */
export interface Zygote {
  readonly pid?: number;
  readonly stdin: ChildProcess["stdin"];
  readonly stdout: ChildProcess["stdout"];
  readonly stderr: ChildProcess["stderr"];
  /** Settles (never rejects) when the process has ended or could not be started. */
  readonly ended: Promise<{ exitCode?: number; signal?: string }>;
}

/** A zygote just spawned: it connects to `socketPath` (in `dir`, this user's alone) once asked to fork. */
export interface SpawnedZygote {
  readonly python: string;
  readonly proc: Zygote;
  readonly dir: string;
  readonly socketPath: string;
}

/**
 * Spawns a zygote for `python`, tracked by the reaper (killed if this process exits). Nothing
 * listens on its socket yet: the zygote connects only when asked to fork, once it is ready, so
 * the caller (WarmServer) listens after the spawn and nothing delays the one Python start. Throws
 * only when the socket's folder cannot be made; a spawn that fails shows in `proc.ended`.
 */
export function spawnZygote(python: string): SpawnedZygote {
  const dir = mkdtempSync(join(tmpdir(), ZYGOTE_FOLDER.prefix)); // mode 0700: only this user
  const socketPath = join(dir, "z.sock");
  // node:child_process rather than execa: importing execa takes ~150 ms.
  const child = spawn(python, [...PYTHON_FLAGS, ZYGOTE, socketPath], {
    detached: true, // own process group
    cwd: PYTHON_CWD, // never the grader's working folder (a student's repository, under Classroom)
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...baseRunnerEnv(), AUTOGRADER_PARENT_PID: String(process.pid) }, // never the grader's environment
  });
  const proc = zygoteProcess(child);
  mark("zygote spawned");
  track(proc);
  return { python, proc, dir, socketPath };
}

function zygoteProcess(child: ChildProcess): Zygote {
  // Listened to at once: a spawn that fails emits "error", which must never go unhandled.
  const ended = new Promise<{ exitCode?: number; signal?: string }>((resolve) => {
    child.once("error", () => resolve({})); // could not be started
    child.once("close", (code, signal) => resolve({ exitCode: code ?? undefined, signal: signal ?? undefined }));
  });
  return { pid: child.pid, stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, ended };
}
