/**
 * The grader's small caches (which interpreter to start, which specs passed validation), in a
 * folder only the user running the grader can write. A cache decides what the grader runs and
 * what it skips checking: a file another local user could plant (the old /tmp/autograde-*.json)
 * would choose the interpreter, or let an invalid spec through. The folder is
 * $XDG_CACHE_HOME/autograde, else ~/.cache/autograde, else <tmp>/autograde-<uid>; created 0700,
 * and used only while it is a real folder (no link) owned by this user with no access for group
 * or others. Each file in it must be a regular file of this user that no one else may write.
 * Anything else: no cache, the work is done again (a cache is only a shortcut).
 */
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

function candidates(): string[] {
  const out: string[] = [];
  if (process.env.XDG_CACHE_HOME?.startsWith("/")) out.push(join(process.env.XDG_CACHE_HOME, "autograde"));
  try {
    const home = homedir();
    if (home.startsWith("/") && home !== "/") out.push(join(home, ".cache", "autograde"));
  } catch {
    // no home: the temporary folder below
  }
  out.push(join(tmpdir(), `autograde-${process.getuid?.() ?? "user"}`));
  return out;
}

function ours(dir: string): boolean {
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  return !!stat && stat.isDirectory() && stat.uid === process.getuid?.() && (stat.mode & 0o077) === 0;
}

/** The first candidate folder that is (or could be made) this user's alone; undefined: no cache. */
export function userCacheDir(): string | undefined {
  for (const dir of candidates()) {
    try {
      if (!lstatSync(dir, { throwIfNoEntry: false })) mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch {
      continue;
    }
    if (ours(dir)) return dir;
  }
  return undefined;
}

/** A cache file's text, if the folder and the file are this user's alone. */
export function readCacheFile(name: string): string | undefined {
  const dir = userCacheDir();
  if (!dir) return undefined;
  let fd: number;
  try {
    fd = openSync(join(dir, name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.uid !== process.getuid?.() || stat.mode & 0o022 || stat.size > 1024 * 1024) return undefined;
    return readFileSync(fd, "utf8");
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Replaces a cache file at once (a concurrent reader sees the old or the new text, never half). */
export function writeCacheFile(name: string, text: string): void {
  const dir = userCacheDir();
  if (!dir) return;
  const temporary = join(dir, `.${name}.${process.pid}`);
  try {
    writeFileSync(temporary, text, { mode: 0o600 });
    renameSync(temporary, join(dir, name));
  } catch {
    // only a shortcut
  }
}
