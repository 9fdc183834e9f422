/**
 * The exported repository's package-lock.json, cut from a small made-up grader lockfile: what the
 * new root reaches stays at its place (a nested copy included), the rest goes, the flags are the
 * new root's, the packed grader is pinned by its tarball's hash. That npm itself agrees (installs
 * from it offline, and would write the same content) is proven by exportRoundTrip.test.ts.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { derivedLockfile, type LockRoot, type PackedGrader } from "../scripts/exportLock.js";

let dir: string;
let grader: PackedGrader;
const root: LockRoot = { name: "assignment", kind: "devDependencies", dependencies: { a: "^1.0.0", grader: "file:vendor/grader-1.0.0.tgz" } };

const graderLock = (extra: Record<string, unknown> = {}) => ({
  name: "grader",
  lockfileVersion: 3,
  requires: true,
  packages: {
    "": { name: "grader", dependencies: { b: "^1.0.0" }, devDependencies: { a: "^1.0.0", unused: "^1.0.0" } },
    "node_modules/a": { version: "1.0.0", integrity: "sha512-a", dev: true, dependencies: { c: "^2.0.0" } },
    "node_modules/a/node_modules/c": { version: "2.0.0", integrity: "sha512-c2", dev: true },
    "node_modules/b": {
      version: "1.0.0",
      integrity: "sha512-b",
      license: "MIT",
      dependencies: { c: "^1.0.0" },
      optionalDependencies: { o: "^1.0.0" },
      peerDependencies: { p: "^1.0.0", q: "^1.0.0" },
      peerDependenciesMeta: { q: { optional: true } },
    },
    "node_modules/c": { version: "1.0.0", integrity: "sha512-c1" },
    "node_modules/o": { version: "1.0.0", integrity: "sha512-o", optional: true, os: ["linux"] },
    "node_modules/p": { version: "1.0.0", integrity: "sha512-p", devOptional: true },
    "node_modules/q": { version: "1.0.0", integrity: "sha512-q", dev: true },
    "node_modules/unused": { version: "1.0.0", integrity: "sha512-u", dev: true },
    ...extra,
  },
});

function lockAt(name: string, lock: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(lock));
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "autograde-lock-"));
  const tarball = join(dir, "grader-1.0.0.tgz");
  writeFileSync(tarball, "the packed grader");
  grader = { spec: "file:vendor/grader-1.0.0.tgz", tarball, manifest: { name: "grader", version: "1.0.0", license: "MIT", dependencies: { b: "^1.0.0" } } };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("keeps what the new root reaches, where Node finds it, with the new root's flags", () => {
  const lock = derivedLockfile(root, grader, lockAt("full.json", graderLock())) as { packages: Record<string, Record<string, unknown>> };
  expect(Object.keys(lock.packages).sort()).toEqual(
    ["", "node_modules/a", "node_modules/a/node_modules/c", "node_modules/b", "node_modules/c", "node_modules/grader", "node_modules/o", "node_modules/p"].sort(),
  );
  expect(lock.packages[""]).toEqual({ name: "assignment", devDependencies: root.dependencies });
  expect(lock.packages["node_modules/a/node_modules/c"]).toEqual({ version: "2.0.0", integrity: "sha512-c2", dev: true });
  // The grader's own dependencies were not dev there; here everything hangs off devDependencies.
  expect(lock.packages["node_modules/c"]).toEqual({ version: "1.0.0", integrity: "sha512-c1", dev: true });
  expect(lock.packages["node_modules/o"]).toEqual({ version: "1.0.0", integrity: "sha512-o", dev: true, optional: true, os: ["linux"] });
  expect(lock.packages["node_modules/p"]).toEqual({ version: "1.0.0", integrity: "sha512-p", dev: true, peer: true });
  expect(lock.packages["node_modules/grader"]).toEqual({
    version: "1.0.0",
    resolved: "file:vendor/grader-1.0.0.tgz",
    integrity: `sha512-${createHash("sha512").update("the packed grader").digest("base64")}`,
    dev: true,
    license: "MIT",
    dependencies: { b: "^1.0.0" },
  });
});

test("no lockfile when the grader's lacks a package the new root needs, or is missing", () => {
  const lock = graderLock();
  delete (lock.packages as Record<string, unknown>)["node_modules/c"];
  expect(derivedLockfile(root, grader, lockAt("short.json", lock))).toBeUndefined();
  expect(derivedLockfile({ ...root, dependencies: { ...root.dependencies, typescript: "~5.9" } }, grader, lockAt("full.json", graderLock()))).toBeUndefined();
  expect(derivedLockfile(root, grader, join(dir, "absent.json"))).toBeUndefined();
});
