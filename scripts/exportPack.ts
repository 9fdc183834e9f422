/**
 * The grader as an npm tarball for an exported assignment (the grader is not on the npm
 * registry): `npm pack` of a staging folder that holds only what grading needs at run time: the
 * compiled graders, the `autograde` command, the runtime files beside the sources (runner.py and
 * the like), and the spec schema. Never the teacher's specs, solutions, fixtures or tests: the
 * tarball sits in the students' repository, where anybody can unpack it.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { GraderError } from "../graders/errors.js";
import { packageRoot } from "../graders/paths.js";

export interface GraderPackage {
  name: string;
  version: string;
}

/** The grader's package.json (name, version, dependencies). */
export function graderManifest(): Record<string, unknown> & GraderPackage {
  return JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as Record<string, unknown> & GraderPackage;
}

/** The tarball's file name as npm pack names it: `flask-sessions-autograder-0.1.0.tgz`. */
export function tarballName(manifest: GraderPackage): string {
  return `${manifest.name.replace(/^@/, "").replace(/\//g, "-")}-${manifest.version}.tgz`;
}

/**
 * The folder of compiled JavaScript this module runs from (dist/, or a private build folder),
 * which holds graders/ and scripts/. From the TypeScript sources (ts-jest) there is none.
 */
export function compiledRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..");
}

/** Packs the grader into `destDir`; returns the tarball's file name. */
export function packGrader(destDir: string): string {
  const built = compiledRoot();
  if (!existsSync(join(built, "graders", "grade.js")) || !existsSync(join(built, "scripts", "grade.js"))) {
    throw new GraderError(`The grader is not built at ${built}: run npm run build, then export again.`);
  }
  const root = packageRoot();
  const manifest = graderManifest();
  const staging = mkdtempSync(join(tmpdir(), "autograde-pack-"));
  try {
    // Compiled code: every module of graders/, and the command (scripts/grade.js with cli/).
    copyTree(join(built, "graders"), join(staging, "dist", "graders"), (file) => file.endsWith(".js"));
    copyTree(join(built, "scripts", "cli"), join(staging, "dist", "scripts", "cli"), (file) => file.endsWith(".js"));
    copyFileSync(join(built, "scripts", "grade.js"), join(staging, "dist", "scripts", "grade.js"));
    // Runtime files that live beside the sources (the Python runner, the JUnit schema, ...).
    copyTree(join(root, "graders"), join(staging, "graders"), (file) => !/\.(ts|map)$/.test(file) && !file.includes("__pycache__"));
    mkdirSync(join(staging, "specs"), { recursive: true });
    copyFileSync(join(root, "specs", "schema.json"), join(staging, "specs", "schema.json"));
    writeFileSync(join(staging, "package.json"), `${JSON.stringify(packedManifest(manifest), null, 2)}\n`);
    writeFileSync(
      join(staging, "README.md"),
      `# ${manifest.name}\n\nThe grader of the Flask course's Sessions & Cookies exercises, packed for one assignment.\n` +
        "Run `npx autograde --help`. Its source, specs and documentation are with your teacher.\n",
    );
    mkdirSync(destDir, { recursive: true });
    const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", destDir], {
      cwd: staging,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const [packed] = JSON.parse(out) as { filename: string }[];
    if (!packed || !existsSync(join(destDir, packed.filename))) throw new GraderError(`npm pack did not write a tarball into ${destDir}`);
    return packed.filename;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** package.json of the packed grader: what installing and running it needs, nothing to build. */
export function packedManifest(manifest: Record<string, unknown> & GraderPackage): Record<string, unknown> & GraderPackage {
  return {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    type: "module",
    license: manifest.license,
    engines: manifest.engines,
    bin: { autograde: "dist/scripts/grade.js" },
    exports: {
      "./jest": "./dist/graders/report/jest.js",
      "./package.json": "./package.json",
    },
    dependencies: manifest.dependencies,
    // The jest helper imports it; only students' test runs need it, and they bring jest.
    peerDependencies: { "@jest/globals": "*" },
    peerDependenciesMeta: { "@jest/globals": { optional: true } },
  };
}

function copyTree(from: string, to: string, keep: (file: string) => boolean): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith(".") || entry.name === "__pycache__") continue;
      copyTree(source, join(to, entry.name), keep);
    } else if (entry.isFile() && keep(relative(from, source))) {
      mkdirSync(to, { recursive: true });
      copyFileSync(source, join(to, entry.name));
    }
  }
}

/** Every file below `dir`, as paths relative to it (for checks on an export). */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub))) {
      const rel = sub ? join(sub, name) : name;
      if (statSync(join(dir, rel)).isDirectory()) walk(rel);
      else files.push(rel);
    }
  };
  walk("");
  return files.sort();
}
