/**
 * Copying a submission into its private folder, and removing that folder, without ever blocking
 * the event loop for long: file operations run a slice of a few milliseconds at a time, then the
 * loop takes a turn (other submissions' answers and timers go on); a big file is copied by the
 * thread pool; a big tree is removed by `rm -rf` in a child process. Every walk is a loop over a
 * queue (no recursion: a deep tree cannot overflow the stack). Small synchronous steps, rather than
 * one asynchronous call per file, because each asynchronous call costs a trip through the thread
 * pool: on a loaded machine that made the copy of a three-file app several times slower.
 *
 * What is copied is bounded before anything is written: a submission with more files, more bytes
 * (by length: a sparse file counts as big as it claims) or deeper folders than any app of this
 * course needs is refused with a Problem for the student, who can fix it. Other graders' work goes
 * on meanwhile: one student's folder of 60,000 files must not stall the apps of the others.
 */
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, opendirSync, promises as fs, readlinkSync, statSync, symlinkSync, type Dir } from "node:fs";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { addCost } from "../costMeter.js";
import type { Problem } from "../verdict/types.js";
import * as words from "../words/startup.js";

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
/** The file that marks a virtual environment (the grader uses its own Python): its folder is not copied. */
const VENV_MARKER = "pyvenv.cfg";

/** Whether a folder below a submission is copied for its app (`autograde --watch` watches only those). */
export function isCopiedFolder(path: string): boolean {
  return !NOT_COPIED.has(basename(path)) && !existsSync(join(path, VENV_MARKER));
}

/** The longest the loop is held by file operations before it takes a turn, in ms. */
const SLICE_MS = 4;
/** Files larger than this are copied by the thread pool (one copy could take longer than a slice). */
const BIG_FILE_BYTES = 256 * 1024;

/** The submission is bigger than COPY_BOUNDS allows: the student's to fix, so a Problem, not a grader error. */
export class SubmissionTooBig extends Error {
  readonly problem: Problem;
  constructor(what: string) {
    const message = words.tooBig(what);
    super(message);
    this.name = "SubmissionTooBig";
    this.problem = {
      kind: "too-big",
      message,
      hint: words.tooBigHint(COPY_BOUNDS),
      locations: [],
    };
  }
}

interface Entry {
  /** Path below the submission ("" for the submission itself). */
  rel: string;
  kind: "folder" | "file" | "link";
  /** Its length in bytes (0 for a folder). */
  size: number;
}

/**
 * Lets the event loop take a turn once the current slice of file operations has used its time.
 * `phase` names it for the cost meter: the time spent in slices, never the turns between them.
 */
function slicer(phase?: string): (() => Promise<void>) & { done(): void } {
  let since = performance.now();
  const turn = async () => {
    const now = performance.now();
    if (now - since < SLICE_MS) return;
    if (phase) addCost(phase, now - since, 0);
    await new Promise((resolve) => setImmediate(resolve));
    since = performance.now();
  };
  return Object.assign(turn, {
    done: () => {
      if (phase) addCost(phase, performance.now() - since);
    },
  });
}

/** Each entry of a folder, in sliced steps (a folder of 60,000 files is never read in one go). */
async function* listing(dir: string, turn: () => Promise<void>): AsyncGenerator<{ name: string; folder: boolean; link: boolean; file: boolean }> {
  const handle: Dir = opendirSync(dir);
  try {
    for (let d = handle.readSync(); d !== null; d = handle.readSync()) {
      yield { name: d.name, folder: d.isDirectory(), link: d.isSymbolicLink(), file: d.isFile() };
      await turn();
    }
  } finally {
    handle.closeSync();
  }
}

/** Copies `from` to `to` (which must not exist), links as links, within COPY_BOUNDS; throws SubmissionTooBig. */
export async function copySubmission(from: string, to: string): Promise<void> {
  const turn = slicer("copy");
  const entries = await listCopied(from, turn);
  const folders = entries.filter((e) => e.kind === "folder"); // parents before children
  for (const folder of folders) {
    mkdirSync(join(to, folder.rel));
    await turn();
  }
  for (const { rel, kind, size } of entries) {
    // A link is copied as a link: inside the sandbox it points into nothing of ours.
    if (kind === "link") symlinkSync(readlinkSync(join(from, rel)), join(to, rel));
    else if (kind === "file" && size > BIG_FILE_BYTES) await fs.copyFile(join(from, rel), join(to, rel));
    else if (kind === "file") copyFileSync(join(from, rel), join(to, rel)); // keeps the file's mode
    await turn();
  }
  // Folders get their modes last, deepest first, so that a read-only folder is filled before it is closed.
  for (const { rel } of folders.reverse()) {
    chmodSync(join(to, rel), statSync(join(from, rel)).mode & 0o7777);
    await turn();
  }
  turn.done();
}

/** What copySubmission copies, breadth first, after checking every bound; nothing is read twice. */
async function listCopied(top: string, turn: () => Promise<void>): Promise<Entry[]> {
  const entries: Entry[] = [];
  let bytes = 0;
  const queue: Array<{ rel: string; depth: number }> = [{ rel: "", depth: 0 }];
  for (let i = 0; i < queue.length; i++) {
    const { rel, depth } = queue[i]!;
    const files: Entry[] = [];
    const folders: string[] = [];
    let venv = false;
    for await (const d of listing(join(top, rel), turn)) {
      const path = rel ? join(rel, d.name) : d.name;
      if (d.name === VENV_MARKER) venv = true;
      if (d.folder) {
        if (NOT_COPIED.has(d.name)) continue;
        if (depth + 1 > COPY_BOUNDS.depth) throw new SubmissionTooBig(words.tooDeep(COPY_BOUNDS.depth));
        folders.push(path);
      } else if (d.link || d.file) {
        const size = lstatSync(join(top, path)).size; // the length, whatever is really on disk
        bytes += size;
        files.push({ rel: path, kind: d.link ? "link" : "file", size });
      } else continue; // sockets, pipes, devices: not copied
      if (entries.length + (queue.length - i) + files.length + folders.length > COPY_BOUNDS.entries) {
        throw new SubmissionTooBig(words.tooManyEntries(COPY_BOUNDS.entries));
      }
      if (bytes > COPY_BOUNDS.megabytes * 1024 * 1024) throw new SubmissionTooBig(words.tooManyMegabytes(COPY_BOUNDS.megabytes));
    }
    // A virtual environment: the grader uses its own Python.
    if (rel !== "" && venv) continue;
    entries.push({ rel, kind: "folder", size: 0 }, ...files);
    for (const path of folders) queue.push({ rel: path, depth: depth + 1 });
  }
  return entries;
}

/**
 * Removes a folder and everything in it, whatever the app did to its permissions (a folder made
 * unreadable or unwritable blocks a plain removal). A small tree (every private folder of a
 * well-behaved app) is removed here; a big one, which an app can write at run time, by `rm -rf`
 * in a child process: faster than one file operation after another, and in another process.
 * The tree is read here in slices; the removals themselves go to the thread pool: on a disk that
 * discards freed blocks at once (ext4 mounted with `discard`), one rmdir takes milliseconds, and
 * the event loop (every other submission's requests and timers) must not wait for it.
 * Best effort: never throws.
 */
export async function removeTree(folder: string): Promise<void> {
  const turn = slicer("remove");
  const levels: string[][] = []; // folders by depth, to be removed deepest first
  const others: string[] = [];
  const queue = [{ dir: folder, depth: 0 }];
  for (let i = 0; i < queue.length; i++) {
    const { dir, depth } = queue[i]!;
    (levels[depth] ??= []).push(dir);
    try {
      chmodSync(dir, 0o700);
      for await (const d of listing(dir, turn)) {
        if (d.folder) queue.push({ dir: join(dir, d.name), depth: depth + 1 });
        else others.push(join(dir, d.name));
        if (queue.length + others.length > SMALL_TREE) return removeBigTree(folder);
      }
    } catch {
      continue;
    }
  }
  turn.done();
  const quietly = (removal: Promise<void>) => removal.catch(() => undefined); // best effort
  await Promise.all(others.map((path) => quietly(fs.unlink(path))));
  for (const level of levels.reverse()) await Promise.all(level.map((dir) => quietly(fs.rmdir(dir))));
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
  const turn = slicer();
  const queue = [folder];
  for (let i = 0; i < queue.length; i++) {
    try {
      chmodSync(queue[i]!, 0o700);
      for await (const d of listing(queue[i]!, turn)) if (d.folder) queue.push(join(queue[i]!, d.name));
    } catch {
      // unreadable even now: the folder stays
    }
  }
  await rm();
}

const exists = (path: string) => fs.lstat(path).then(() => true, () => false);
