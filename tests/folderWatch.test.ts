/**
 * What `autograde --watch` watches (scripts/cli/folderWatch.ts), on real folders and real file
 * events: the submission and its graded folders, never a virtual environment, a tool's or an
 * editor's folder; folders made or removed while it watches; a bounded number of folders; and
 * what it says when the system will not let it watch.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_WATCHED_FOLDERS, watchSubmission, whyNotWatched, type FolderWatch } from "../scripts/cli/folderWatch.js";
import { waitFor } from "./support/tempApps.js";

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "autograde-folder-watch-"));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A submission folder with the given files (a path ending in "/" is a folder). */
function submission(name: string, files: string[]): string {
  const root = join(work, name);
  for (const file of files) {
    const path = join(root, file);
    if (file.endsWith("/")) mkdirSync(path, { recursive: true });
    else {
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, "x = 1\n");
    }
  }
  return root;
}

function watching(root: string): { watch: FolderWatch; changes: string[]; notes: string[] } {
  const changes: string[] = [];
  const notes: string[] = [];
  const watch = watchSubmission(root, { change: (file) => changes.push(file), note: (folder, reason) => notes.push(`${folder}: ${reason}`) });
  return { watch, changes, notes };
}

const below = (root: string, watch: FolderWatch) => watch.folders().map((f) => f.slice(root.length)).sort();

describe("what --watch watches", () => {
  test("the submission and its graded folders; not a virtual environment, a cache, node_modules or a dot-folder", () => {
    const root = submission("tree", [
      "app.py", "templates/index.html", "static/css/site.css",
      ".venv/pyvenv.cfg", ".venv/lib/python3.11/site-packages/flask/app.py",
      "venv/pyvenv.cfg", "venv/lib/x.py", "env/pyvenv.cfg",
      "node_modules/a/index.js", "__pycache__/app.cpython-311.pyc", ".git/objects/", ".vscode/settings.json",
    ]);
    const { watch, notes } = watching(root);
    try {
      expect(below(root, watch)).toEqual(["", "/static", "/static/css", "/templates"]);
      expect(notes).toEqual([]);
    } finally {
      watch.close();
    }
  });

  test("a save is one change named from the submission; saves in what is not watched are not changes", async () => {
    const root = submission("saves", ["app.py", "templates/index.html", "venv/pyvenv.cfg", "venv/lib/x.py", "__pycache__/"]);
    const { watch, changes } = watching(root);
    try {
      // One inotify queue for every watcher: events come in the order of the writes.
      writeFileSync(join(root, "venv", "lib", "x.py"), "y = 2\n");
      writeFileSync(join(root, "__pycache__", "app.cpython-311.pyc"), "");
      writeFileSync(join(root, "app.py~"), "");
      writeFileSync(join(root, ".app.py.swp"), "");
      // An editor's safe write: a temporary file, the old one moved aside, the new one moved in.
      writeFileSync(join(root, "app.py___jb_tmp___"), "x = 2\n");
      renameSync(join(root, "app.py"), join(root, "app.py___jb_old___"));
      renameSync(join(root, "app.py___jb_tmp___"), join(root, "app.py"));
      rmSync(join(root, "app.py___jb_old___"));
      writeFileSync(join(root, "templates", "index.html"), "<p>saved</p>");
      await waitFor(() => changes.includes("templates/index.html"), 10_000);
      expect([...new Set(changes)]).toEqual(["app.py", "templates/index.html"]);
    } finally {
      watch.close();
    }
  });

  test("a folder made while watching is watched (its saves are changes); a removed or moved-away one is let go", async () => {
    const root = submission("grows", ["app.py", "templates/", "static/"]);
    const { watch, changes } = watching(root);
    try {
      mkdirSync(join(root, "templates", "partials"));
      await waitFor(() => below(root, watch).includes("/templates/partials"), 10_000);
      writeFileSync(join(root, "templates", "partials", "nav.html"), "<nav></nav>");
      await waitFor(() => changes.includes("templates/partials/nav.html"), 10_000);
      expect(changes).toContain("templates/partials/nav.html");

      rmSync(join(root, "templates"), { recursive: true });
      await waitFor(() => !below(root, watch).some((f) => f.startsWith("/templates")), 10_000);
      expect(below(root, watch)).toEqual(["", "/static"]);
      expect(changes.at(-1)).toBe("templates");

      // Moved out of the submission, a folder still exists: only the submission's event says it left.
      renameSync(join(root, "static"), join(work, "static-moved-away"));
      await waitFor(() => changes.at(-1) === "static", 10_000);
      expect(below(root, watch)).toEqual([""]);
    } finally {
      watch.close();
    }
  });

  test(`at most ${MAX_WATCHED_FOLDERS} folders, and a note says the rest is not watched`, () => {
    const root = submission("many", ["app.py", ...Array.from({ length: MAX_WATCHED_FOLDERS + 5 }, (_, i) => `pages/p${i}/`)]);
    const { watch, notes } = watching(root);
    try {
      expect(watch.folders()).toHaveLength(MAX_WATCHED_FOLDERS);
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(new RegExp(`more than ${MAX_WATCHED_FOLDERS} folders: this one and the rest are not watched`));
    } finally {
      watch.close();
    }
  });

  test("a folder that cannot be watched is said, with the reason in words", () => {
    const { watch, notes } = watching(join(work, "no-such-folder"));
    expect(watch.folders()).toEqual([]);
    expect(notes).toEqual([`${join(work, "no-such-folder")}: it is not a folder (any more)`]);
    const errno = (code: string) => Object.assign(new Error(`${code}: oops`), { code });
    expect(whyNotWatched(errno("ENOSPC"))).toMatch(/limit of watched files .*max_user_watches/);
    expect(whyNotWatched(errno("EMFILE"))).toMatch(/max_user_instances/);
    expect(whyNotWatched(errno("EACCES"))).toBe("it cannot be read");
    expect(whyNotWatched(errno("EIO"))).toBe("the system refused (EIO)");
  });
});
