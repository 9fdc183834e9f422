/**
 * A private build of the grader for tests that run its commands as processes: dist/ may be stale
 * or missing, and rebuilding it in place would race with other test files or a developer's build.
 * Transpiled only (type checking is `npm run typecheck`'s job), below dist/ (ignored by git) so
 * that the compiled files find the package's dependencies and package.json as dist/ itself would.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
 * A private build by tsc itself (tsconfig.build.json, as `npm run build`), for tests of what the
 * package ships (the export packs it, the CLI runs from it). tsc emits even with type errors
 * elsewhere (work in progress); type checking is not these tests' job. Throws when `expected`
 * (a path inside the build) was not produced.
 */
export async function privateTscBuild(root: string, prefix: string, expected: string): Promise<string> {
  mkdirSync(join(root, "dist"), { recursive: true });
  const out = mkdtempSync(join(root, "dist", prefix));
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  await new Promise<void>((resolve) => execFile(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", out], { cwd: root }, () => resolve()));
  if (!existsSync(join(out, expected))) throw new Error(`tsc did not produce ${out}/${expected}`);
  return out;
}
