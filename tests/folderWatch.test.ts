/**
 * What `autograde --watch` watches (scripts/cli/folderWatch.ts), on real folders and real file
 * events: the submission and its graded folders, never a virtual environment, a tool's or an
 * editor's folder; folders made or removed while it watches; a bounded number of folders; and
 * what it says when the system will not let it watch.
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_WATCHED_FOLDERS, watchSubmission, whyNotWatched, type FolderWatch } from "../scripts/cli/folderWatch.js";
import { removeTempApps, tempFolder, waitFor } from "./support/tempApps.js";

afterAll(removeTempApps);

/** A fresh submission folder holding these files. */
const submission = (...files: string[]): string => tempFolder(Object.fromEntries(files.map((file) => [file, "x = 1\n"])), "autograde-folder-watch-");

function watching(root: string): { watch: FolderWatch; changes: string[]; notes: string[] } {
  const changes: string[] = [];
  const notes: string[] = [];
  const watch = watchSubmission(root, { change: (file) => changes.push(file), note: (folder, reason) => notes.push(`${folder}: ${reason}`) });
  return { watch, changes, notes };
}

const below = (root: string, watch: FolderWatch) => watch.folders().map((f) => f.slice(root.length)).sort();

describe("what --watch watches", () => {
  test("the submission and its graded folders; not a virtual environment, a cache, node_modules or a dot-folder", () => {
    const root = submission(
      "app.py", "templates/index.html", "static/css/site.css",
      ".venv/pyvenv.cfg", ".venv/lib/python3.11/site-packages/flask/app.py",
      "venv/pyvenv.cfg", "venv/lib/x.py", "env/pyvenv.cfg",
      "node_modules/a/index.js", "__pycache__/app.cpython-311.pyc", ".git/HEAD", ".vscode/settings.json",
    );
    const { watch, notes } = watching(root);
    try {
      expect(below(root, watch)).toEqual(["", "/static", "/static/css", "/templates"]);
      expect(notes).toEqual([]);
    } finally {
      watch.close();
    }
  });

  test("a save is one change named from the submission; saves in what is not watched are not changes", async () => {
    const root = submission("app.py", "templates/index.html", "venv/pyvenv.cfg", "venv/lib/x.py", "__pycache__/app.cpython-311.pyc");
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
    const root = submission("app.py", "templates/base.html", "static/site.css");
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
      renameSync(join(root, "static"), join(tempFolder({}, "autograde-folder-watch-"), "static"));
      await waitFor(() => changes.at(-1) === "static", 10_000);
      expect(below(root, watch)).toEqual([""]);
    } finally {
      watch.close();
    }
  });

  test(`at most ${MAX_WATCHED_FOLDERS} folders, and a note says the rest is not watched`, () => {
    const root = submission("app.py", ...Array.from({ length: MAX_WATCHED_FOLDERS + 5 }, (_, i) => `pages/p${i}/index.html`));
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
    const missing = join(submission(), "no-such-folder");
    const { watch, notes } = watching(missing);
    expect(watch.folders()).toEqual([]);
    expect(notes).toEqual([`${missing}: it is not a folder (any more)`]);
    const errno = (code: string) => Object.assign(new Error(`${code}: oops`), { code });
    expect(whyNotWatched(errno("ENOSPC"))).toMatch(/limit of watched files .*max_user_watches/);
    expect(whyNotWatched(errno("EMFILE"))).toMatch(/max_user_instances/);
    expect(whyNotWatched(errno("EACCES"))).toBe("it cannot be read");
    expect(whyNotWatched(errno("EIO"))).toBe("the system refused (EIO)");
  });
});
