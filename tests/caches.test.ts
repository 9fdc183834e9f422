/**
 * Issue 9 item 8: the grader's caches (the interpreter to start, specs known to be valid) live in
 * a folder only its user can write (graders/userCache.ts). Planted caches are ignored: the old
 * files in /tmp, a cache folder that another user owns or others may write, a cache file that is
 * a link, belongs to another user or is writable by others.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { findPython } from "../graders/boot/python.js";
import { SpecError } from "../graders/errors.js";
import { packageFile } from "../graders/paths.js";
import { loadSpecText } from "../graders/spec/load.js";
import { validationKey } from "../graders/spec/validated.js";
import { readCacheFile, userCacheDir, writeCacheFile } from "../graders/userCache.js";

const root = mkdtempSync(join(tmpdir(), "caches-"));
const savedXdg = process.env.XDG_CACHE_HOME;
afterAll(() => {
  if (savedXdg === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedXdg;
  rmSync(root, { recursive: true, force: true });
});
const uid = process.getuid!();
const asRoot = uid === 0;
const OTHER = 54321; // another local user

/** A fresh XDG_CACHE_HOME for one test; returns its autograde folder (not created). */
function freshXdg(name: string): string {
  const xdg = join(root, name);
  mkdirSync(xdg);
  process.env.XDG_CACHE_HOME = xdg;
  return join(xdg, "autograde");
}

describe("the user's cache folder", () => {
  test("is created 0700 and used", () => {
    const dir = freshXdg("fresh");
    expect(userCacheDir()).toBe(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    writeCacheFile("x.json", '{"a":1}');
    expect(readCacheFile("x.json")).toBe('{"a":1}');
    expect(statSync(join(dir, "x.json")).mode & 0o077).toBe(0);
  });

  test("is not used when others may write it, or (as root) when another user owns it", () => {
    const open = freshXdg("open");
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    writeFileSync(join(open, "x.json"), "planted");
    expect(userCacheDir()).not.toBe(open);
    expect(readCacheFile("x.json")).not.toBe("planted");
    if (asRoot) {
      const theirs = freshXdg("theirs");
      mkdirSync(theirs, { mode: 0o700 });
      writeFileSync(join(theirs, "x.json"), "planted");
      chownSync(theirs, OTHER, OTHER);
      expect(userCacheDir()).not.toBe(theirs);
      expect(readCacheFile("x.json")).not.toBe("planted");
    }
  });

  test("a cache file that is a link, writable by others or (as root) another user's is not read", () => {
    const dir = freshXdg("files");
    expect(userCacheDir()).toBe(dir);
    writeFileSync(join(root, "elsewhere.json"), "planted");
    symlinkSync(join(root, "elsewhere.json"), join(dir, "link.json"));
    writeFileSync(join(dir, "open.json"), "planted", { mode: 0o666 });
    chmodSync(join(dir, "open.json"), 0o666);
    expect(readCacheFile("link.json")).toBeUndefined();
    expect(readCacheFile("open.json")).toBeUndefined();
    if (asRoot) {
      writeFileSync(join(dir, "theirs.json"), "planted", { mode: 0o644 });
      chownSync(join(dir, "theirs.json"), OTHER, OTHER);
      expect(readCacheFile("theirs.json")).toBeUndefined();
    }
  });
});

describe("planted caches change nothing", () => {
  test("the interpreter: a planted answer for this very key is not run", () => {
    // Planted where the grader used to look (/tmp) and in a cache folder others may write.
    const planted = join(root, "planted-python");
    writeFileSync(planted, "#!/bin/sh\necho planted\n", { mode: 0o755 });
    // As the grader looks it up (pythonDiscovery.ts): a folder on PATH this user may not enter is passed over.
    const command = (process.env.PATH ?? "").split(delimiter).map((d) => join(d, "python3")).find((p) => existsSync(p));
    const key = JSON.stringify([command, statSync(command!).mtimeMs, process.env.PYENV_VERSION, process.env.VIRTUAL_ENV, process.cwd()]);
    const cache = JSON.stringify({ [key]: planted });
    const oldFile = join(tmpdir(), `autograde-python-${uid}.json`);
    const before = statSync(oldFile, { throwIfNoEntry: false }) ? readFileSync(oldFile, "utf8") : undefined;
    writeFileSync(oldFile, cache);
    const open = freshXdg("python");
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    writeFileSync(join(open, "python.json"), cache);
    try {
      expect(findPython()).not.toBe(planted);
    } finally {
      if (before === undefined) rmSync(oldFile, { force: true });
      else writeFileSync(oldFile, before);
    }
  });

  test("schema validation: a planted memo does not let an invalid spec through", () => {
    const text = JSON.stringify({ id: "planted", title: "Planted", checks: [{ id: "x", title: "X", steps: [{ request: "GET /", expect: { status: "two hundred" } }] }] });
    const key = validationKey(readFileSync(packageFile("specs/schema.json"), "utf8"), JSON.parse(text));
    const memo = JSON.stringify([key]);
    const oldFile = join(tmpdir(), `autograde-valid-specs-${uid}.json`);
    const before = statSync(oldFile, { throwIfNoEntry: false }) ? readFileSync(oldFile, "utf8") : undefined;
    writeFileSync(oldFile, memo);
    const open = freshXdg("specs");
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    writeFileSync(join(open, "valid-specs.json"), memo);
    try {
      expect(() => loadSpecText(text, "planted.yaml")).toThrow(SpecError);
    } finally {
      if (before === undefined) rmSync(oldFile, { force: true });
      else writeFileSync(oldFile, before);
    }
  });
});
