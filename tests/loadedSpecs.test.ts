/**
 * Issue 14: the memo of loaded specs (graders/spec/loadedSpecs.ts) spares a command's start the
 * YAML parser and the loader, and changes nothing else: a memo hit gives the spec and warnings a
 * full load gives, any change to the spec's text or path loads it in full again (errors included),
 * and hidden checks are always merged by the full loader.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, test } from "@jest/globals";
import { SpecError } from "../graders/errors.js";
import { packageFile } from "../graders/paths.js";
import { parseHiddenChecks } from "../graders/spec/hidden.js";
import { loadSpecText } from "../graders/spec/load.js";
import { loadSpecFile } from "../graders/spec/loadedSpecs.js";
import { specWarnings } from "../graders/spec/warnings.js";
import { readCacheFile, writeCacheFile } from "../graders/userCache.js";

const root = mkdtempSync(join(tmpdir(), "loaded-specs-"));
const savedXdg = process.env.XDG_CACHE_HOME;
afterAll(() => {
  if (savedXdg === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedXdg;
  rmSync(root, { recursive: true, force: true });
});

let run = 0;
beforeEach(() => {
  const xdg = join(root, `xdg-${++run}`);
  mkdirSync(xdg);
  process.env.XDG_CACHE_HOME = xdg;
});

const SPEC = `id: memo-test
title: Memo test
checks:
  - id: home
    title: The home page answers
    steps:
      - request: GET /
        expect: { status: 200, text: { contains: Hello } }
  - id: shared
    title: Reuses a block
    hint: Look at the home page.
    steps:
      - &get { request: GET /, expect: { status: 200 } }
      - *get
`;

function specAt(name: string, text: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "memo-test.yaml");
  writeFileSync(file, text);
  return file;
}

const memo = () => JSON.parse(readCacheFile("loaded-specs.json") ?? "[]") as { key: string; spec: { title: string }; warnings: string[] }[];

describe("the memo of loaded specs", () => {
  test("a second load gives what a full load gives, warnings included, from the memo", async () => {
    const file = specAt("same", SPEC);
    const full = loadSpecText(SPEC, file);
    const first = await loadSpecFile(file);
    expect(first).toEqual(full);
    expect(memo()).toHaveLength(1);
    const second = await loadSpecFile(file);
    expect(second).toEqual(full);
    expect(specWarnings(second)).toEqual(specWarnings(full));
    expect(specWarnings(second)[0]).toMatch(/memo-test\.yaml:4:\d+: check "home" has no hint/);

    // Proof that the second load came from the memo: an entry changed in the user's own cache is what loads.
    const entries = memo();
    entries[0]!.spec.title = "From the memo";
    writeCacheFile("loaded-specs.json", JSON.stringify(entries));
    expect((await loadSpecFile(file)).title).toBe("From the memo");
  });

  test("a changed spec loads in full: its errors are reported, never an older memo", async () => {
    const file = specAt("changed", SPEC);
    await loadSpecFile(file);
    writeFileSync(file, SPEC.replace("title: Memo test", "title: Memo test\npoints: many"));
    await expect(loadSpecFile(file)).rejects.toThrow(SpecError);
    writeFileSync(file, SPEC.replace("Hello", "Goodbye"));
    const changed = await loadSpecFile(file);
    expect(JSON.stringify(changed)).toContain("Goodbye");
    expect(memo()).toHaveLength(2);
  });

  test("the same text at another path is its own entry (warnings and script paths name the file)", async () => {
    const a = specAt("a", SPEC);
    const b = specAt("b", SPEC);
    await loadSpecFile(a);
    expect(specWarnings(await loadSpecFile(b))[0]).toContain(b);
    expect(memo()).toHaveLength(2);
  });

  test("hidden checks are merged by the full loader and never remembered", async () => {
    const file = specAt("hidden", SPEC);
    const hidden = parseHiddenChecks("memo-test:\n  checks:\n    - id: secret\n      title: Secret\n      hint: h\n      steps: [{ request: GET / }]\n");
    const spec = await loadSpecFile(file, hidden);
    expect(spec.checks.map((c) => c.id)).toEqual(["home", "shared", "secret"]);
    expect(spec.checks[2]!.visibility).toBe("hidden");
    expect(memo()).toHaveLength(0);
  });

  test("a bundled spec loads the same from the memo as in full", async () => {
    const file = packageFile("specs/visit-counter.yaml");
    const full = loadSpecText(readFileSync(file, "utf8"), file);
    await loadSpecFile(file);
    expect(await loadSpecFile(file)).toEqual(full);
  });
});
