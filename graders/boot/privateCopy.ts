/**
 * Copying a submission into its private folder, and removing that folder, without ever blocking
 * the event loop: every step is an asynchronous file operation, a bounded number at once, and
 * every walk is a loop over a queue (no recursion: a deep tree cannot overflow the stack).
 *
 * What is copied is bounded before anything is written: a submission with more files, more bytes
 * (by length: a sparse file counts as big as it claims) or deeper folders than any app of this
 * course needs is refused with a Problem for the student, who can fix it. Other graders' work goes
 * on meanwhile: one student's folder of 60,000 files must not stall the apps of the others.
 */
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import { join } from "node:path";
import type { Problem } from "../verdict/types.js";

/** What a submission's copy may hold (folders skipped below do not count). */
export const COPY_BOUNDS = {
  /** Total length of its files, in MB. */
  megabytes: 100,
  /** Files, links and folders. */
  entries: 5_000,
  /** Folders inside folders, below the submission's own. */
  depth: 32,
} as const;

/** Folders that are never an app's business and can be big: not copied. */
const NOT_COPIED = new Set([".git", "__pycache__", "node_modules"]);
/** File operations in flight at once, per copy or removal. */
const AT_ONCE = 16;

/** The submission is bigger than COPY_BOUNDS allows: the student's to fix, so a Problem, not a grader error. */
export class SubmissionTooBig extends Error {
  readonly problem: Problem;
  constructor(what: string) {
    const message = `Your submission folder is too big to grade: ${what}.`;
    super(message);
    this.name = "SubmissionTooBig";
    this.problem = {
      kind: "too-big",
      message,
      hint:
        `Submit only your app: its .py files, templates and static files (at most ${COPY_BOUNDS.entries} files and folders, ` +
        `${COPY_BOUNDS.megabytes} MB in all, folders at most ${COPY_BOUNDS.depth} deep). Leave out virtual environments, ` +
        "downloads, data files and anything your app writes while it runs.",
      locations: [],
    };
  }
}

interface Entry {
  /** Path below the submission ("" for the submission itself). */
  rel: string;
  kind: "folder" | "file" | "link";
}

/** Copies `from` to `to` (which must not exist), links as links, within COPY_BOUNDS; throws SubmissionTooBig. */
export async function copySubmission(from: string, to: string): Promise<void> {
  const entries = await listCopied(from);
  const folders = entries.filter((e) => e.kind === "folder"); // parents before children
  for (const folder of folders) await fs.mkdir(join(to, folder.rel));
  await eachAtOnce(
    entries.filter((e) => e.kind !== "folder"),
    async ({ rel, kind }) => {
      // A link is copied as a link: inside the sandbox it points into nothing of ours.
      if (kind === "link") await fs.symlink(await fs.readlink(join(from, rel)), join(to, rel));
      else await fs.copyFile(join(from, rel), join(to, rel)); // keeps the file's mode
    },
  );
  // Folders get their modes last, deepest first, so that a read-only folder is filled before it is closed.
  for (const { rel } of folders.reverse()) await fs.chmod(join(to, rel), (await fs.stat(join(from, rel))).mode & 0o7777);
}

/** What copySubmission copies, breadth first, after checking every bound; nothing is read twice. */
async function listCopied(top: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  let bytes = 0;
  const queue: Array<{ rel: string; depth: number }> = [{ rel: "", depth: 0 }];
  for (let i = 0; i < queue.length; i++) {
    const { rel, depth } = queue[i]!;
    const files: string[] = [];
    const folders: string[] = [];
    let venv = false;
    // Read a few entries at a time (not readdir): a folder of 60,000 files is refused after the first few thousand.
    for await (const d of await fs.opendir(join(top, rel))) {
      const path = rel ? join(rel, d.name) : d.name;
      if (d.name === "pyvenv.cfg") venv = true;
      if (d.isDirectory()) {
        if (NOT_COPIED.has(d.name)) continue;
        if (depth + 1 > COPY_BOUNDS.depth) throw new SubmissionTooBig(`its folders are nested more than ${COPY_BOUNDS.depth} deep`);
        folders.push(path);
      } else if (d.isSymbolicLink()) files.push(path);
      else if (d.isFile()) files.push(path);
      else continue; // sockets, pipes, devices: not copied
      if (entries.length + (queue.length - i) + files.length + folders.length > COPY_BOUNDS.entries) {
        throw new SubmissionTooBig(`it holds more than ${COPY_BOUNDS.entries} files and folders`);
      }
    }
    // A virtual environment: the grader uses its own Python.
    if (rel !== "" && venv) continue;
    entries.push({ rel, kind: "folder" });
    for (const path of folders) queue.push({ rel: path, depth: depth + 1 });
    await eachAtOnce(files, async (path) => {
      const stat = await fs.lstat(join(top, path));
      bytes += stat.size; // the length, whatever is really on disk
      entries.push({ rel: path, kind: stat.isSymbolicLink() ? "link" : "file" });
    });
    if (bytes > COPY_BOUNDS.megabytes * 1024 * 1024) throw new SubmissionTooBig(`its files add up to more than ${COPY_BOUNDS.megabytes} MB`);
  }
  return entries;
}

/**
 * Removes a folder and everything in it, whatever the app did to its permissions (a folder made
 * unreadable or unwritable blocks a plain removal). A small tree (every private folder of a
 * well-behaved app) is removed here; a big one, which an app can write at run time, by `rm -rf`
 * in a child process: faster than one file operation after another, and in another process.
 * Best effort: never throws.
 */
export async function removeTree(folder: string): Promise<void> {
  const folders: string[] = [];
  const others: string[] = [];
  const queue = [folder];
  for (let i = 0; i < queue.length; i++) {
    const dir = queue[i]!;
    folders.push(dir);
    await fs.chmod(dir, 0o700).catch(() => undefined);
    try {
      for await (const d of await fs.opendir(dir)) {
        (d.isDirectory() ? queue : others).push(join(dir, d.name));
        if (queue.length + others.length > SMALL_TREE) return removeBigTree(folder);
      }
    } catch {
      continue;
    }
  }
  await eachAtOnce(others, (path) => fs.unlink(path).catch(() => undefined));
  for (const dir of folders.reverse()) await fs.rmdir(dir).catch(() => undefined);
}

/** Entries up to which a tree is removed in this process. */
const SMALL_TREE = 1_000;

async function removeBigTree(folder: string): Promise<void> {
  const rm = () =>
    new Promise<void>((resolve) => {
      const child = spawn("rm", ["-rf", "--one-file-system", "--", folder], { stdio: "ignore" });
      child.once("error", () => resolve());
      child.once("close", () => resolve());
    });
  await rm();
  if (!(await exists(folder))) return;
  // Left behind: folders the app locked (rm -rf as a plain user cannot enter or empty them).
  const queue = [folder];
  for (let i = 0; i < queue.length; i++) {
    await fs.chmod(queue[i]!, 0o700).catch(() => undefined);
    try {
      for await (const d of await fs.opendir(queue[i]!)) if (d.isDirectory()) queue.push(join(queue[i]!, d.name));
    } catch {
      // unreadable even now: rm will say nothing, the folder stays
    }
  }
  await rm();
}

const exists = (path: string) => fs.lstat(path).then(() => true, () => false);

/** Runs `work` on every item, at most AT_ONCE at a time; rejects with the first failure. */
async function eachAtOnce<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, items.length) }, worker));
}
