/**
 * A private build of the grader for tests that run its commands as processes: dist/ may be stale
 * or missing, and rebuilding it in place would race with other test files or a developer's build.
 * Transpiled only (type checking is `npm run typecheck`'s job), below dist/ (ignored by git) so
 * that the compiled files find the package's dependencies and package.json as dist/ itself would.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll } from "@jest/globals";
import ts from "typescript";

/** Transpiles every .ts file below `folders` of `root` into a new folder below root/dist; returns it. */
export function privateBuild(root: string, folders: readonly string[] = ["graders", "scripts"], prefix = ".cli-test-"): string {
  mkdirSync(join(root, "dist"), { recursive: true });
  const out = mkdtempSync(join(root, "dist", prefix));
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [join(dir, e.name)] : [],
    );
  for (const file of folders.flatMap((f) => walk(join(root, f)))) {
    const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, isolatedModules: true },
    });
    const target = join(out, relative(root, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  return out;
}

/**
 * privateBuild of graders/ and scripts/ for the enclosing describe block (or the whole file when
 * called at its top): made before its tests, removed after them. Returns the build's folder, to
 * be called from the tests and hooks (it is made only once the block runs).
 */
export function privateBuildAround(root: string, prefix: string): () => string {
  let built: string | undefined;
  beforeAll(() => {
    built = privateBuild(root, ["graders", "scripts"], prefix);
  }, 120_000);
  afterAll(() => {
    if (built) rmSync(built, { recursive: true, force: true });
  });
  return () => {
    if (!built) throw new Error("the private build is made in beforeAll: call this from a test or a later hook");
    return built;
  };
}

/**
 * A build by tsc itself (tsconfig.build.json, as `npm run build`), for tests of what the package
 * ships (the export packs it, the commands run from it), shared by every test file that asks for
 * it: a full tsc build takes ~8 s and ~13 s of CPU, and four files want the same one. It is
 * named by a hash of the sources it is built from (dist/.tsc-shared-HASH), made whole or not at
 * all (a `.complete` mark; a lock folder while one test file builds it, the others wait), never
 * changed once made, and left in dist/ for the next run (dot-folders there are not packed); one
 * of other sources goes once it is an hour old. tsc emits even with type errors elsewhere (work
 * in progress); type checking is not these tests' job. Throws when `expected` (a path inside the
 * build) was not produced.
 */
export async function sharedTscBuild(root: string, expected: string): Promise<string> {
  const name = `.tsc-shared-${sourceHash(root)}`;
  const out = join(root, "dist", name);
  const complete = join(out, ".complete");
  const lock = `${out}.lock`;
  mkdirSync(join(root, "dist"), { recursive: true });
  for (;;) {
    if (existsSync(complete)) {
      if (!existsSync(join(out, expected))) throw new Error(`tsc did not produce ${out}/${expected}`);
      return out;
    }
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building it. A lock older than the build could take is a dead one's.
      if (ageMs(lock) > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      rmSync(out, { recursive: true, force: true });
      const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
      await new Promise<void>((resolve) => execFile(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", out], { cwd: root }, () => resolve()));
      if (!existsSync(join(out, expected))) throw new Error(`tsc did not produce ${out}/${expected}`);
      writeFileSync(complete, "");
      removeStaleBuilds(join(root, "dist"), name);
      return out;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** A lock this old was left by a test run that died while building. */
const STALE_LOCK_MS = 5 * 60_000;
/** A shared build of other sources this old is no longer any running test's. */
const STALE_BUILD_MS = 60 * 60_000;

/** Names the sources a tsc build is made from: every .ts below graders/ and scripts/, and the configurations. */
function sourceHash(root: string): string {
  const hash = createHash("sha256");
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
  const files = [...walk(join(root, "graders")), ...walk(join(root, "scripts")), ...["tsconfig.json", "tsconfig.build.json", "package.json"].map((f) => join(root, f))];
  for (const file of files) hash.update(`${relative(root, file)}\0`).update(readFileSync(file)).update("\0");
  return hash.digest("hex").slice(0, 16);
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function removeStaleBuilds(dist: string, keep: string): void {
  for (const name of readdirSync(dist)) {
    if (name.startsWith(".tsc-shared-") && name !== keep && !name.endsWith(".lock") && ageMs(join(dist, name)) > STALE_BUILD_MS) {
      rmSync(join(dist, name), { recursive: true, force: true });
    }
  }
}
