/**
 * What must never be in an exported assignment, and a scan of every file of one (tarballs
 * unpacked): the reference solutions, the known-wrong fixtures, and the text of hidden checks.
 *
 * A solution or fixture is recognised by its lines: every line of theirs that is long enough to
 * be telling and that does not also appear in what an export may legitimately hold (the starters,
 * the specs, the templates, the grader's own sources: a starter shares its imports with the
 * solution, and the grader's runner.py has the same `if __name__ == "__main__":` as a fixture).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseDocument, type YAMLSeq } from "yaml";

/** Only hidden checks say this word: it must not appear anywhere in an export. */
export const MARKER = "zebra";

/**
 * The bundled specs copied into `into`, with two hidden checks added to visit-counter: one between
 * public checks with a comment above it, one after-due-date at the end. Both pass on the
 * reference solution. Returns visit-counter's check ids in file order.
 */
export function specsWithHiddenChecks(root: string, into: string): string[] {
  mkdirSync(into, { recursive: true });
  for (const name of readdirSync(join(root, "specs"))) copyFileSync(join(root, "specs", name), join(into, name));
  const file = join(into, "visit-counter.yaml");
  const doc = parseDocument(readFileSync(file, "utf8"));
  const checks = doc.get("checks") as YAMLSeq;
  const early = doc.createNode({
    id: "zebra-early",
    title: "Zebra: a hidden check between public ones",
    visibility: "hidden",
    points: 1,
    needs: ["page-answers"],
    hint: "The zebra hint, for the teacher's eyes",
    steps: [{ request: "GET /", expect: { status: 200, text: { notContains: "zebra page text" } } }],
  });
  early.commentBefore = " Zebra comment: what the hidden check is about";
  checks.items.splice(1, 0, early);
  checks.items.push(
    doc.createNode({
      id: "zebra-late",
      title: "Zebra: shown after the due date",
      visibility: "after-due-date",
      needs: ["zebra-early"],
      steps: [{ request: "GET /zebra-path", expect: { status: 404 } }],
    }),
  );
  writeFileSync(file, doc.toString());
  return (doc.toJS() as { checks: { id: string }[] }).checks.map((c) => c.id);
}

const MIN_LENGTH = 12;

function filesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "node_modules" && name !== "__pycache__") out.push(...filesBelow(path));
    } else out.push(path);
  }
  return out;
}

const lines = (text: string) => text.split("\n").map((l) => l.trim()).filter((l) => l.length >= MIN_LENGTH && /[A-Za-z]/.test(l));

/** Telling lines of solutions/ and tests/fixtures/ that nothing exportable contains. */
export function forbiddenLines(root: string): Map<string, string> {
  const allowed = new Set<string>();
  for (const folder of ["starter", "specs", "templates", "graders"]) for (const file of filesBelow(join(root, folder))) for (const l of lines(readFileSync(file, "utf8"))) allowed.add(l);
  const forbidden = new Map<string, string>(); // line -> where it comes from
  for (const folder of ["solutions", join("tests", "fixtures")]) {
    for (const file of filesBelow(join(root, folder))) {
      for (const l of lines(readFileSync(file, "utf8"))) if (!allowed.has(l) && !forbidden.has(l)) forbidden.set(l, relative(root, file));
    }
  }
  return forbidden;
}

export interface Finding {
  file: string;
  what: string;
}

/**
 * Every file below `dir` (and inside every .tgz, unpacked), searched for forbidden lines, for the
 * markers (text only hidden checks hold) and for paths that name solutions or fixtures.
 */
export function scanExport(dir: string, forbidden: ReadonlyMap<string, string>, markers: readonly string[]): { files: string[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const scanned: string[] = [];
  const scanTree = (base: string, label: string) => {
    for (const file of filesBelow(base)) {
      const name = `${label}${relative(base, file)}`;
      scanned.push(name);
      if (/(^|\/)(solutions|fixtures)(\/|$)/.test(name)) findings.push({ file: name, what: "a solutions/fixtures path" });
      if (file.endsWith(".tgz")) {
        const unpacked = mkdtempSync(join(tmpdir(), "autograde-scan-"));
        try {
          execFileSync("tar", ["-xzf", file, "-C", unpacked]);
          scanTree(unpacked, `${name}!/`);
        } finally {
          rmSync(unpacked, { recursive: true, force: true });
        }
        continue;
      }
      const text = readFileSync(file, "utf8");
      for (const marker of markers) if (text.toLowerCase().includes(marker.toLowerCase())) findings.push({ file: name, what: `hidden-check text "${marker}"` });
      for (const l of lines(text)) {
        const from = forbidden.get(l);
        if (from) findings.push({ file: name, what: `a line of ${from}: ${l}` });
      }
    }
  };
  scanTree(dir, "");
  return { files: scanned, findings };
}
