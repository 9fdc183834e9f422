/**
 * The exported repository's package-lock.json, derived from the grader's own: the exact versions
 * the grader is built and tested with, so that students' and the workflow's installs are
 * reproducible, and `npm ci` resolves everything from what the grader's own `npm ci` cached.
 *
 * The grader's lockfile is a valid tree; keeping only the packages the new root reaches, each at
 * the place Node's resolution finds it from its dependent, keeps it valid. The dependency flags
 * (dev, optional, peer) are computed for the new root, not copied: they depend on who reaches what.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../graders/paths.js";

type Deps = Record<string, string>;

/** One entry of a lockfile's `packages` (the fields this module reads; the rest is kept as is). */
interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Deps;
  optionalDependencies?: Deps;
  peerDependencies?: Deps;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

interface Lockfile {
  name?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

export interface LockRoot {
  name: string;
  /** The repository's dependencies, all of one kind (a student repository has only devDependencies). */
  dependencies: Deps;
  kind: "dependencies" | "devDependencies";
  engines?: unknown;
}

export interface PackedGrader {
  /** The dependency spec in package.json, `file:vendor/<tarball>`. */
  spec: string;
  /** The tarball on disk. */
  tarball: string;
  /** The package.json packed into it. */
  manifest: Record<string, unknown> & { name: string; version: string };
}

const FLAGS = ["dev", "optional", "devOptional", "peer"];

/**
 * The lockfile for `root`, which depends on the packed grader and on packages the grader's own
 * lockfile holds; undefined when that lockfile is missing or lacks one of them (npm then
 * resolves the ranges itself, as without a lockfile).
 */
export function derivedLockfile(root: LockRoot, grader: PackedGrader, source = join(packageRoot(), "package-lock.json")): Record<string, unknown> | undefined {
  if (!existsSync(source)) return undefined;
  const lock = JSON.parse(readFileSync(source, "utf8")) as Lockfile;
  if (lock.lockfileVersion < 2 || !lock.packages) return undefined;
  const graderPath = `node_modules/${grader.manifest.name}`;
  const graderEntry: LockEntry = {
    version: grader.manifest.version,
    resolved: grader.spec,
    integrity: `sha512-${createHash("sha512").update(readFileSync(grader.tarball)).digest("base64")}`,
    ...pick(grader.manifest, ["license", "dependencies", "bin", "engines", "peerDependencies", "peerDependenciesMeta"]),
  };
  // The grader's packages, plus the grader itself; the grader's own root entry is not a package here.
  const packages: Record<string, LockEntry> = { ...lock.packages, [graderPath]: graderEntry };
  delete packages[""];
  const rootEntry: LockEntry = { name: root.name, [root.kind]: root.dependencies, ...(root.engines !== undefined && { engines: root.engines }) };

  const edges = (path: string): { target: string | undefined; name: string; optional: boolean; peer: boolean }[] => {
    const entry = path === "" ? { dependencies: root.dependencies } : packages[path]!;
    const list = [
      ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false, peer: false })),
      ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true, peer: false })),
      // An optional peer is never installed for its own sake.
      ...Object.keys(entry.peerDependencies ?? {})
        .filter((name) => !entry.peerDependenciesMeta?.[name]?.optional)
        .map((name) => ({ name, optional: false, peer: true })),
    ];
    return list.map((edge) => ({ ...edge, target: resolveFrom(packages, path, edge.name) }));
  };
  // Every package reached from the root, then those reached without an optional (or a peer) edge.
  const reached = walk(edges, () => true);
  for (const name of Object.keys(root.dependencies)) if (!resolveFrom(packages, "", name)) return undefined;
  for (const path of reached) {
    for (const edge of edges(path)) if (!edge.target && !edge.optional) return undefined;
  }
  const required = walk(edges, (edge) => !edge.optional);
  const regular = walk(edges, (edge) => !edge.peer);

  const out: Record<string, LockEntry> = { "": rootEntry };
  for (const path of [...reached].filter((p) => p !== "").sort()) {
    const { version, resolved, integrity, ...rest } = packages[path]!;
    for (const flag of FLAGS) delete rest[flag];
    out[path] = {
      ...(version !== undefined && { version }),
      ...(resolved !== undefined && { resolved }),
      ...(integrity !== undefined && { integrity }),
      ...(root.kind === "devDependencies" && { dev: true }),
      ...(!required.has(path) && { optional: true }),
      ...(!regular.has(path) && { peer: true }),
      ...rest,
    };
  }
  return { name: root.name, lockfileVersion: lock.lockfileVersion, requires: true, packages: out };
}

/** The lockfile path Node's resolution finds `name` at from the package at `from` ("" is the root). */
function resolveFrom(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === "" ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === "") return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut < 0 ? "" : base.slice(0, cut);
  }
}

function walk<E extends { target: string | undefined }>(edges: (path: string) => E[], follow: (edge: E) => boolean): Set<string> {
  const seen = new Set<string>([""]);
  const queue = [""];
  while (queue.length > 0) {
    for (const edge of edges(queue.pop()!)) {
      if (!edge.target || seen.has(edge.target) || !follow(edge)) continue;
      seen.add(edge.target);
      queue.push(edge.target);
    }
  }
  return seen;
}

function pick(from: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]));
}
