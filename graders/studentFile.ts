/**
 * The one reader of a student's files in the grader's own process: whatever the grader reads of a
 * submission (a quiz's answers, the app's source for the blank check and for hints) comes through
 * here. A submission is hostile input: a name may be a link to any file the grader can read (its
 * keys would be echoed in feedback), a FIFO that never ends, a device, or gigabytes. So: the path
 * must stay inside the submission, no link is followed anywhere on it, only a regular file is
 * read, and never more than `maxBytes`.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from "node:fs";
import { isAbsolute, join, normalize, sep } from "node:path";

export type StudentFile =
  | { kind: "file"; text: string }
  | { kind: "missing" }
  /** A symbolic link (at the file or a folder on its way): never followed. */
  | { kind: "link" }
  /** A folder, FIFO, socket or device. */
  | { kind: "not-a-file" }
  | { kind: "too-big"; bytes: number };

/** Reads `relativePath` below the submission folder `root` (which itself may be reached through a link). */
export function readStudentFile(root: string, relativePath: string, maxBytes: number): StudentFile {
  const rel = normalize(relativePath);
  if (isAbsolute(rel) || rel === ".." || rel.startsWith(`..${sep}`)) return { kind: "missing" };
  const parts = rel.split(sep).filter((p) => p && p !== ".");
  let path = root;
  for (const part of parts) {
    path = join(path, part);
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat) return { kind: "missing" };
    if (stat.isSymbolicLink()) return { kind: "link" };
  }
  let fd: number;
  try {
    // O_NOFOLLOW: a link swapped in since the check is refused; O_NONBLOCK: a FIFO does not hang the open.
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? { kind: "missing" } : code === "ELOOP" ? { kind: "link" } : { kind: "not-a-file" };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { kind: "not-a-file" };
    if (stat.size > maxBytes) return { kind: "too-big", bytes: stat.size };
    // One byte more than its size: a file that grew since fstat is seen to have grown.
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
    if (length > stat.size) return { kind: "too-big", bytes: length };
    return { kind: "file", text: buffer.subarray(0, length).toString("utf8") };
  } finally {
    closeSync(fd);
  }
}
