/**
 * Temporary folders that name the grader process that made them ("PID START" in a file `owner`),
 * so that the next grader can remove those whose maker is gone: a grader killed with SIGKILL
 * cleans up nothing. Every kind the grader makes is listed in tempFolders.ts.
 */
import { promises as fs, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { procStat } from "../procStat.js";
import { removeTree } from "./privateCopy.js";
import type { FolderKind } from "./tempFolders.js";

const OWNER = "owner";
const swept = new Set<string>();

/** Marks `folder` as this process's. Whole or not at all: a sweep must never read a half-written owner. */
export async function markOwned(folder: string): Promise<void> {
  await fs.writeFile(join(folder, `${OWNER}.new`), ownerLine());
  await fs.rename(join(folder, `${OWNER}.new`), join(folder, OWNER));
}

/**
 * A new folder of `kind` in `base`, marked as this process's; the folders of its kind left by
 * graders that are gone are swept meanwhile, off the caller's path.
 */
export async function makeOwnedFolder(kind: FolderKind, base = tmpdir()): Promise<string> {
  const dir = await fs.mkdtemp(join(base, kind.prefix));
  try {
    await markOwned(dir);
  } catch (err) {
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
  void sweepOnce(base, kind).catch(() => undefined);
  return dir;
}

/** markOwned for code that makes its folder synchronously (verify's mutant copies). */
export function markOwnedSync(folder: string): void {
  writeFileSync(join(folder, `${OWNER}.new`), ownerLine());
  renameSync(join(folder, `${OWNER}.new`), join(folder, OWNER));
}

/**
 * Once per process, folder and kind: removes the folders of `kind` in `base` whose owner is gone.
 * A folder without an owner file is not ours, or is being made right now, or was left by a grader
 * killed between making it and marking it: that one is empty (but for a cut `owner.new`), and
 * goes once it has stayed so for ABANDONED_MS.
 */
export async function sweepOnce(base: string, { pattern }: FolderKind): Promise<void> {
  const key = `${base}\0${pattern.source}`;
  if (swept.has(key)) return;
  swept.add(key);
  let names: string[];
  try {
    names = (await fs.readdir(base)).filter((n) => pattern.test(n));
  } catch {
    return;
  }
  for (const name of names) {
    let owner: string;
    try {
      owner = await fs.readFile(join(base, name, OWNER), "utf8");
    } catch {
      await removeIfAbandoned(join(base, name));
      continue;
    }
    // Only a whole line is an owner. An empty or cut one is a file being written (in place, by
    // a grader of before the rename above): the sweep of a live grader's folder, mid-grading.
    const whole = /^(\d+) (\d*)\n$/.exec(owner);
    if (whole && !alive(Number(whole[1]), whole[2]!)) await removeTree(join(base, name));
  }
}

/** How long an unmarked, empty folder of ours waits before a sweep takes it for abandoned. */
export const ABANDONED_MS = 60 * 60 * 1000;

/**
 * Removes `dir` when it is this user's, holds nothing but perhaps `owner.new`, and has not changed
 * for ABANDONED_MS. A grader marks its folder right after making it: one unmarked for an hour was
 * cut short. Anything more in it, and it is left alone (another program's, by chance of name).
 */
async function removeIfAbandoned(dir: string): Promise<void> {
  try {
    const stat = await fs.lstat(dir);
    if (!stat.isDirectory() || stat.uid !== process.getuid?.() || Date.now() - stat.mtimeMs < ABANDONED_MS) return;
    const entries = await fs.readdir(dir);
    if (entries.some((e) => e !== `${OWNER}.new`)) return;
    if (entries.length) await fs.unlink(join(dir, `${OWNER}.new`));
    await fs.rmdir(dir); // fails, leaving it, if something was put in meanwhile
  } catch {
    // gone already, or not ours to remove
  }
}

function ownerLine(): string {
  return `${process.pid} ${startTime(process.pid)}\n`;
}

/** The process's start time (clock ticks after boot, from /proc), so that a reused pid is not taken for it. */
function startTime(pid: number): string {
  return procStat(pid)?.(22) ?? "";
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
