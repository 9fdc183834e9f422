/**
 * The mutants of a reference solution: mutate.py (one Python module, every operator) parses the
 * solution and prints them; this module runs it and writes each mutant into a folder of its own.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GraderError } from "../errors.js";
import { entryNames, parseEntry, resolveEntry } from "../boot/entryForm.js";
import { markOwnedSync, sweepOnce } from "../boot/ownedFolders.js";
import { VERIFY_FOLDER } from "../boot/tempFolders.js";
import { packageFile } from "../paths.js";
import type { Spec } from "../spec/types.js";

const MUTATE = packageFile("graders/verify/mutate.py");

/** A route of the solution, as its decorator declares it. */
export interface Route {
  rule: string;
  methods: string[];
}

/** The solution with one mistake. */
export interface Mutant {
  /** Stable while the solution's code is: operator/view[:detail], e.g. `default-plus-one/index:visits`. */
  id: string;
  operator: string;
  /** The mistake in a student's words. */
  says: string;
  /** The view function changed, or `module`. */
  where: string;
  /** The changed view's routes; null when the change is at module level (it concerns every route). */
  routes: Route[] | null;
  /** The mutated file's whole text. */
  source: string;
  /** Unified diff of the solution's file against the mutant's. */
  diff: string;
  /** The file this mutant changes, relative to the solution folder (a package entry has several); absent: Mutants.file. */
  file?: string;
}

export interface Mutants {
  /** The entry the mutants change, relative to the solution folder: a file, or a package folder (each mutant then names its file). */
  file: string;
  mutants: Mutant[];
}

export class MutateError extends GraderError {}

/** Runs mutate.py on the solution. The solution is parsed, never run. */
export async function makeMutants(python: string, spec: Spec, solutionDir: string): Promise<Mutants> {
  const names = entryNames(spec.entry);
  // The entry as grading finds it (`blog` may be blog.py or the package blog/); a package is mutated module by module.
  const args = [MUTATE, solutionDir, "--entry", spec.kind === "quiz" ? names[0]! : entryTarget(solutionDir, names)];
  if (spec.kind === "quiz") {
    args.push("--quiz", JSON.stringify(Object.fromEntries((spec.questions ?? []).map((q) => [q.id, q.options]))));
  }
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(python, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, out, err) => {
      if (error) reject(new MutateError(`Could not make the mutants of ${solutionDir}: ${err.trim() || error.message}`));
      else resolve(out);
    });
  });
  return JSON.parse(stdout) as Mutants;
}

function entryTarget(solutionDir: string, names: readonly string[]): string {
  try {
    return resolveEntry(solutionDir, names)?.target ?? parseEntry(names[0]!).target;
  } catch {
    return parseEntry(names[0]!).target; // a folder without __init__.py: mutate.py says it cannot read it
  }
}

/** Folders for the mutants, each a copy of the solution with its one file changed. Removed by dispose(). */
export interface MutantFolders {
  dirs: string[];
  dispose(): void;
}

export function writeMutants(solutionDir: string, made: Mutants): MutantFolders {
  const root = mkdtempSync(join(tmpdir(), VERIFY_FOLDER.prefix));
  const remove = () => rmSync(root, { recursive: true, force: true });
  // Interrupted (Ctrl-C), the folders go too; the signal is then raised again, as the reaper does.
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const dispose = () => {
    remove();
    process.off("exit", remove);
    for (const signal of signals) process.off(signal, onSignal);
  };
  process.on("exit", remove);
  for (const signal of signals) process.once(signal, onSignal);
  try {
    // SIGKILL runs no handler: named as this process's, it is the next run's to sweep (ownedFolders.ts),
    // as are those of runs killed before, removed off the critical path.
    markOwnedSync(root);
    void sweepOnce(tmpdir(), VERIFY_FOLDER).catch(() => undefined);
    const dirs = made.mutants.map((mutant, i) => {
      const dir = join(root, String(i + 1));
      cpSync(solutionDir, dir, { recursive: true, filter: (from) => !/(^|\/)(__pycache__|\.git|node_modules)$/.test(from) });
      writeFileSync(join(dir, mutant.file ?? made.file), mutant.source);
      return dir;
    });
    return { dirs, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}
