/**
 * The app's folder out of what the app says: its exception messages and its output name files by
 * absolute path (`/tmp/ag-X1JVK6/app/visits.txt`), the private copy's, which means nothing to a
 * student and shows the grading machine's folders. Every text of the app's that reaches a student
 * passes here (handshake.ts) and names files relative to the submission instead (`visits.txt`).
 */
import { realpathSync } from "node:fs";
import { sep } from "node:path";

/** A rewriter of `dir` (and its real path, when a link leads to it) to paths relative to it. */
export function appPathRewriter(dir: string | undefined): (text: string) => string {
  if (!dir) return (text) => text;
  let real = dir;
  try {
    real = realpathSync(dir);
  } catch {
    // gone already: its own name is all there is to hide
  }
  const roots = [...new Set([dir, real])].map((d) => d.replace(/[\\/]+$/, "")).filter((d) => d.length > 1).sort((a, b) => b.length - a.length);
  // `root/file` → `file`; the folder itself → `.`; `root2/...` (another folder) is left alone.
  const patterns = roots.map((root) => new RegExp(`${escapeRegExp(root)}(?:${escapeRegExp(sep)}|(?![\\w-]|\\.\\w))`, "g"));
  return (text) => patterns.reduce((out, pattern) => out.replace(pattern, (m) => (m.endsWith(sep) ? "" : ".")), text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
