/**
 * `npm run new -- <id>`: the files a new exercise needs, each with one worked example to edit
 * (spec, starter with blanks, solution, one known-wrong fixture). It never overwrites: an
 * exercise that already has any of them is refused whole, before anything is written.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { UsageError } from "../graders/errors.js";
import { packageFile } from "../graders/paths.js";
import { idProblem } from "../graders/spec/rules.js";

/** Writes the scaffold of exercise `id` under `root` (the project folder); returns the files, relative to it. */
export function scaffoldExercise(id: string, root: string): string[] {
  if (!/^[a-z0-9-]+$/.test(id)) throw new UsageError(idProblem("the exercise id", id));
  const files = scaffoldFiles(id, root);
  const clash = [`specs/${id}.yaml`, `starter/${id}`, `solutions/${id}`, `tests/fixtures/${id}`].filter((path) => existsSync(join(root, path)));
  if (clash.length > 0) throw new UsageError(`exercise "${id}" already has ${clash.join(", ")}: nothing was written (choose another id, or remove them first)`);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text, { flag: "wx" });
  }
  return Object.keys(files).map((file) => relative(root, join(root, file)));
}

/** Path (relative to the project) → text. */
function scaffoldFiles(id: string, root: string): Record<string, string> {
  return {
    [`specs/${id}.yaml`]: spec(id, schemaReference(join(root, "specs"))),
    [`starter/${id}/app.py`]: app(id, { key: "___", saved: "___" }),
    [`solutions/${id}/app.py`]: app(id, { key: '"change-me-to-a-long-random-string"', saved: "True" }),
    [`tests/fixtures/${id}/never-saved/app.py`]: neverSaved(id),
    [`tests/fixtures/${id}/never-saved/expect.yaml`]: EXPECT,
  };
}

/**
 * The schema as the editor's yaml-language-server finds it from the spec's folder: ./schema.json
 * in this project, the installed package's copy from a project of a teacher's own. The server
 * reads the modeline's `$schema` up to the first space: a path with one ("My Courses/...") is
 * written as a file: URL, which it takes as it is, spaces encoded.
 */
export function schemaReference(specsDir: string, schema = packageFile("specs/schema.json")): string {
  const path = relative(specsDir, schema).split(sep).join("/");
  if (/\s/.test(path)) return pathToFileURL(schema).href;
  return path.startsWith(".") ? path : `./${path}`;
}

function spec(id: string, schema: string): string {
  return `# yaml-language-server: $schema=${schema}
#
# ${id}: what the student builds, in a few plain sentences. (Scaffolded by npm run new: edit
# the example check below, then prove every check with a known-wrong fixture in
# tests/fixtures/${id}/.)
id: ${id}
title: "${id}: replace with the exercise's title"
checks:
  - id: welcome-back
    title: A browser that comes back is welcomed back
    hint: >-
      Save something in the session on the first visit, e.g. session["seen"] = True, and
      look for it on the next visit: the browser brings its session cookie back.
    steps:
      - request: GET /
        expect: { status: 200, text: { contains: first visit, loose: true } }
      - request: GET /
        expect: { status: 200, text: { contains: welcome back, loose: true } }
`;
}

function app(id: string, blanks: { key: string; saved: string }): string {
  const starter = blanks.key === "___";
  return `"""${id}${starter ? " (replace each blank, three underscores, with code)" : ": the reference solution"}.

The home page says "first visit" the first time a browser opens it, "welcome back" after that.
"""
from flask import Flask, session

app = Flask(__name__)
${starter ? "# Give the app a secret key: Flask signs the session cookie with it.\n" : ""}app.secret_key = ${blanks.key}


@app.route("/")
def index():
    if session.get("seen"):
        return "<p>Welcome back!</p>"
${starter ? "    # Remember this browser for its next visit.\n" : ""}    session["seen"] = ${blanks.saved}
    return "<p>Hello, this is your first visit.</p>"
`;
}

function neverSaved(id: string): string {
  return `"""${id}, known-wrong: nothing is saved in the session, so every visit is a first visit."""
from flask import Flask, session

app = Flask(__name__)
app.secret_key = "change-me-to-a-long-random-string"


@app.route("/")
def index():
    if session.get("seen"):
        return "<p>Welcome back!</p>"
    return "<p>Hello, this is your first visit.</p>"
`;
}

const EXPECT = `mistake: nothing is saved in the session, so the browser is never welcomed back
fails:
  - check: welcome-back
    says: "save something in the session"
`;
