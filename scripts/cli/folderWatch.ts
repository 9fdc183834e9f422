/**
 * Watching a submission's folder for saves, for `autograde --watch`: one watcher per folder, and
 * only the folders that are graded. Node's recursive watch (on Linux) walks the whole tree and
 * holds one watcher per file: a virtual environment inside the folder (tens of thousands of files)
 * cost it ~0.4 s per 20,000 files before the first run, could use up the system's inotify
 * watches, and a failure at its start was swallowed (no watching, and no word of it).
 */
import { lstatSync, readdirSync, watch, type FSWatcher } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import { isCopiedFolder } from "../../graders/boot/privateCopy.js";

/** More folders than a Flask exercise has by far: past it, the rest is not watched (and that is said). */
export const MAX_WATCHED_FOLDERS = 200;

export interface FolderWatch {
  /** The submission's folder, as given. */
  readonly root: string;
  /** The folders watched now. */
  folders(): string[];
  close(): void;
}

export interface FolderWatchEvents {
  /** A file or folder changed: its path below the submission (the submission's name for itself). */
  change(file: string): void;
  /** Something will not be watched, and why: `folder` is the submission's or one below it. */
  note(folder: string, reason: string): void;
}

/** Starts watching `root` and the graded folders below it; new folders are watched as they appear. */
export function watchSubmission(root: string, on: FolderWatchEvents): FolderWatch {
  const watchers = new Map<string, FSWatcher>();
  let capped = false;

  const add = (dir: string): void => {
    // A folder is added once; a tree is walked with a queue (a deep one cannot overflow the stack).
    const queue = [dir];
    for (let i = 0; i < queue.length; i++) {
      const folder = queue[i]!;
      if (watchers.has(folder)) continue;
      if (watchers.size >= MAX_WATCHED_FOLDERS) {
        if (!capped) on.note(folder, `more than ${MAX_WATCHED_FOLDERS} folders: this one and the rest are not watched`);
        capped = true;
        return;
      }
      let watcher: FSWatcher;
      try {
        watcher = watch(folder, (_event, name) => changed(folder, name ? String(name) : ""));
      } catch (error) {
        on.note(folder, whyNotWatched(error));
        continue;
      }
      // A watched folder that is removed ends its watcher with an error on some systems.
      watcher.on("error", () => remove(folder));
      watchers.set(folder, watcher);
      let entries;
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch {
        continue; // removed meanwhile, or unreadable: its own event says the rest
      }
      for (const entry of entries) {
        const path = join(folder, entry.name);
        if (entry.isDirectory() && isWatchedFolder(path)) queue.push(path);
      }
    }
  };

  const remove = (folder: string): void => {
    for (const [path, watcher] of watchers) {
      if (path === folder || path.startsWith(folder + sep)) {
        watcher.close();
        watchers.delete(path);
      }
    }
  };

  const changed = (folder: string, name: string): void => {
    if (!watchers.has(folder)) return;
    // A folder removed or moved away: its own watcher and its parent's both say so, in either
    // order; whichever comes first lets it go, and only the parent's names the change rightly.
    if (folder !== root && kindOf(folder) === "gone") {
      remove(folder);
      return;
    }
    if (name !== "" && ignoredName(name)) return;
    const path = name === "" ? folder : join(folder, name);
    const kind = path === root ? "root" : kindOf(path);
    if (kind === "folder") {
      if (!isWatchedFolder(path)) return;
      add(path); // a new folder (or one moved in): its files are the student's too
    } else if (kind === "gone") remove(path);
    on.change(path === root ? basename(root) : relative(root, path));
  };

  add(root);
  return {
    root,
    folders: () => [...watchers.keys()],
    close() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

/** What the system said, in words a student can act on. */
export function whyNotWatched(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOSPC") return "the system's limit of watched files is reached (on Linux: fs.inotify.max_user_watches)";
  if (code === "EMFILE") return "too many programs are watching files (on Linux: fs.inotify.max_user_instances)";
  if (code === "EACCES" || code === "EPERM") return "it cannot be read";
  if (code === "ENOENT" || code === "ENOTDIR") return "it is not a folder (any more)";
  // The system's own message names the path again, in whatever characters it has: the code only.
  return `the system refused (${code ?? "no error code"})`;
}

function kindOf(path: string): "folder" | "other" | "gone" {
  try {
    return lstatSync(path).isDirectory() ? "folder" : "other";
  } catch {
    return "gone";
  }
}

/** Graded (copied for the app), and not an editor's or a tool's own folder. */
function isWatchedFolder(path: string): boolean {
  return !basename(path).startsWith(".") && isCopiedFolder(path);
}

/** Files that are not the student's work: Python's compiled files, editors' swap, backup and temporary files (folders: isWatchedFolder). */
function ignoredName(name: string): boolean {
  return (
    name.startsWith(".") ||
    name.endsWith("~") ||
    /\.(pyc|swp|swx|tmp)$/.test(name) ||
    /___jb_(tmp|old)___$/.test(name) || // JetBrains' safe write
    /^\d+$/.test(name) // vim's write test file (4913)
  );
}
