/**
 * For tests of plain mode as root: an unprivileged app can only run on a Python every user can
 * read. Where the interpreter lives below a folder others cannot pass (pyenv in /root, 0700, on
 * this project's machines), this writes a wrapper that starts it in a private mount namespace in
 * which that folder is replaced by a passable one holding only the installation, at the same path.
 * Nothing changes outside the namespace. Needs root and unshare(1).
 */
import { statSync, writeFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";

/** The first folder above `path` that other users cannot pass, and the entry below it on the way. */
export function closedAncestor(path: string): { closed: string; entry: string } | undefined {
  const parts = path.split(sep).filter(Boolean);
  for (let i = 0; i < parts.length - 1; i++) {
    const folder = sep + parts.slice(0, i).join(sep);
    if (!(statSync(folder).mode & 0o001)) return { closed: folder, entry: parts[i]! };
  }
  // The last folder, holding the binary.
  const last = dirname(path);
  if (!(statSync(last).mode & 0o001)) return { closed: dirname(last), entry: last.split(sep).pop()! };
  return undefined;
}

/** `python` itself when others can read it, else a wrapper (written into `dir`) as described above. */
export function readablePython(python: string, dir: string): string {
  const blocked = closedAncestor(python);
  if (!blocked) return python;
  const { closed, entry } = blocked;
  const keep = join(dir, "closed-folder"); // where the real folder stays reachable inside the namespace
  const wrapper = join(dir, "python-readable-by-others");
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(
    wrapper,
    [
      "#!/bin/sh",
      "# Test helper (tests/support/readablePython.ts): the same Python, in a mount namespace where",
      `# ${closed} is a passable tmpfs holding only ${entry}.`,
      `mkdir -p ${quote(keep)}`,
      "exec unshare --mount --propagation private /bin/sh -ec " +
        quote(`mount --bind "$1" "$2"; mount -t tmpfs -o mode=0755,size=64k tmpfs "$1"; mkdir -p "$1/$3"; mount --bind "$2/$3" "$1/$3"; shift 3; exec "$@"`) +
        ` sh ${quote(closed)} ${quote(keep)} ${quote(entry)} ${quote(python)} "$@"`,
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  return wrapper;
}
