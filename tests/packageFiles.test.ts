/**
 * What `npm pack` of this project takes (package.json "files"): the build, the Python runtime and
 * the specs, and never a test's private build, which lives below dist/ in a dot-folder while that
 * test runs (support/transpile.ts) and could be there when a teammate packs or installs from git.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@jest/globals";
import { packageFile } from "../graders/paths.js";

test("npm pack takes dist/ but none of the dot-folders tests build in it", () => {
  const root = packageFile(".");
  mkdirSync(join(root, "dist"), { recursive: true });
  // A test's private build, as another test file may be holding one right now.
  const decoy = mkdtempSync(join(root, "dist", ".watch-test-"));
  try {
    writeFileSync(join(decoy, "grade.js"), "// a private build\n");
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const paths = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(paths.filter((p) => p.startsWith("dist/."))).toEqual([]);
    if (existsSync(join(root, "dist", "scripts", "grade.js"))) expect(paths).toContain("dist/scripts/grade.js");
    expect(paths).toContain("graders/boot/runner.py");
    expect(paths).toContain("specs/visit-counter.yaml");
  } finally {
    rmSync(decoy, { recursive: true, force: true });
  }
}, 60_000);
