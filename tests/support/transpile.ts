/**
 * A private build of the grader for tests that run its commands as processes: dist/ may be stale
 * or missing, and rebuilding it in place would race with other test files or a developer's build.
 * Transpiled only (type checking is `npm run typecheck`'s job), below dist/ (ignored by git) so
 * that the compiled files find the package's dependencies and package.json as dist/ itself would.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
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
