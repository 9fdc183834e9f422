/** Where the package's own files are, from the source tree (ts-jest) and from dist/ alike. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The folder holding the grader's package.json. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the grader's package.json");
    dir = up;
  }
  return (root = dir);
}

/** A file shipped with the package, e.g. `packageFile("graders/boot/runner.py")`. */
export function packageFile(relative: string): string {
  return join(packageRoot(), relative);
}
