/**
 * Student text is hostile output. Real apps put forged GitHub workflow commands, terminal escapes
 * and bidi overrides in an exception message, a page, a cookie, the session, a file name and a
 * folder name; every output format is then read the way the places it reaches read it:
 * - an Actions runner (actions/runner, src/Runner.Common/ActionCommand.cs): a line whose start,
 *   leading whitespace trimmed, is `::`, or that holds `##[`, is a command;
 * - a terminal: any control character can redraw the screen or hide text;
 * - Markdown, CSV (a spreadsheet runs a cell that starts with `=`), HTML.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { grade } from "../graders/grade.js";
import { createProgress } from "../graders/batch/progress.js";
import { main } from "../scripts/cli/main.js";
import { loadSpec } from "../graders/spec/load.js";
import { runBatch } from "../graders/batch/run.js";
import { csvField } from "../graders/batch/gradebook.js";
import { checkOutcome, CheckFailure } from "../graders/report/jest.js";
import { createReporter } from "../graders/report/formats.js";
import { FORMATS, summarize, type Format } from "../graders/report/reporter.js";
import type { Spec } from "../graders/spec/types.js";
import { actionsSafe, nameText, plainData, plainText } from "../graders/verdict/studentText.js";
import type { Result } from "../graders/verdict/types.js";
import { dedent, removeTempApps, tempApp } from "./support/tempApps.js";

/** The lines of `output` an Actions runner takes as workflow commands (TryParseV2, then TryParse). */
function runnerCommands(output: string): string[] {
  return output.split(/\r\n|\r|\n/).filter((line) => line.trimStart().startsWith("::") || line.includes("##["));
}

/** C0 (but tab and newline), DEL, C1, bidi overrides and isolates. */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

const FORGED_LINES = [
  "::notice title=Autograding complete::Points 10/10",
  '::notice title=Autograding report::{"totalPoints":10,"maxPoints":10}',
  "::stop-commands::x",
  "  ##[error]forged error",
];
/** A fake report that clears the screen, then hides whatever follows. */
const FAKE_SCREEN = "\x1b[H\x1b[2JVisit counter\n  \u2713 Everything  10/10\n  Score: 10/10\n\x1b[8m";

describe("the functions", () => {
  test("actionsSafe leaves no line a runner reads as a command, and keeps the words", () => {
    const forged = ["x", ...FORGED_LINES, " \t::warning::indented", "a\r::error::after a CR", "\u00a0::x::nbsp", "##[group]x ##[endgroup]"].join("\n");
    // The oracle sees the commands in the raw text: the test can fail.
    expect(runnerCommands(forged).length).toBe(8);
    const safe = actionsSafe(forged);
    expect(runnerCommands(safe)).toEqual([]);
    expect(safe).toContain(": :notice title=Autograding complete::Points 10/10");
    expect(safe).toContain("## [error]forged error");
    expect(actionsSafe(safe)).toBe(safe);
    expect(actionsSafe("plain text: a::b, 10/10\n")).toBe("plain text: a::b, 10/10\n");
  });

  test("plainText strips terminal escapes, C1 controls and bidi overrides; keeps tabs and line breaks", () => {
    const text = plainText(`${FAKE_SCREEN}\u009b2J\u202eevil\u2066x\u2069\tend\r\nnext\rlast\u0000\u007f`);
    expect(text).not.toMatch(CONTROL);
    expect(text).toBe("[H[2JVisit counter\n  \u2713 Everything  10/10\n  Score: 10/10\n[8m2Jevilx\tend\nnext\nlast");
  });

  test("plainData cleans every string and key of a value, however deep, without recursion", () => {
    let deep: unknown = "\x1b[2Jbottom";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const cleaned = plainData({ "\u202ekey": ["\x1b[8m", { inner: "\u009bx" }], deep });
    const { deep: _deep, ...shallow } = cleaned as Record<string, unknown>;
    expect(shallow).toEqual({ key: ["[8m", { inner: "x" }] });
    let bottom: unknown = (cleaned as { deep: unknown }).deep;
    while (Array.isArray(bottom)) bottom = bottom[0];
    expect(bottom).toBe("[2Jbottom");
    const withProto = plainData(JSON.parse('{"__proto__": {"admin": true}, "user": "\\u001b[8malice"}') as Record<string, unknown>);
    expect(Object.keys(withProto)).toEqual(["__proto__", "user"]);
    expect((withProto as { admin?: boolean }).admin).toBeUndefined();
    expect(withProto.user).toBe("[8malice");
  });

  test("nameText keeps plain names and shows any other on one line, its odd characters visible", () => {
    expect(nameText("alice/visit-counter")).toBe("alice/visit-counter");
    expect(nameText("José Müller_2 (copy)")).toBe("José Müller_2 (copy)");
    const forged = "x\n[ 2/2] bob\u2215counter (visit-counter): 10\u221510";
    expect(nameText(forged)).toBe('"x\\u{A}[ 2/2] bob\\u{2215}counter (visit-counter): 10\\u{2215}10"');
    expect(nameText(nameText(forged))).toBe(nameText(forged));
    expect(nameText('a"\u202eb\\')).toBe('"a\\"\\u{202E}b\\\\"');
  });

  test("nameText shows combining marks only on a letter or digit, at most two at a time", () => {
    // NFD accents (one or two per letter, as Vietnamese writes) stay readable.
    expect(nameText("Jose\u0301 Nguye\u0302\u0303n")).toBe("Jose\u0301 Nguye\u0302\u0303n");
    // A mark on the report's own punctuation would disguise it; a stack of them smears the line.
    expect(nameText("a/\u0338b")).toBe('"a/\\u{338}b"');
    expect(nameText("\u0301start")).toBe('"\\u{301}start"');
    const zalgo = "z" + "\u0336".repeat(40);
    expect(nameText(zalgo)).toBe(`"z\u0336\u0336${"\\u{336}".repeat(38)}"`);
    for (const name of ["a/\u0338b", zalgo, "\u0301start"]) expect(nameText(nameText(name))).toBe(nameText(name));
  });

  test("a CSV cell that starts like a formula is shown, not run; numbers stay numbers", () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    for (const start of ["+", "-", "@", "\t"]) expect(csvField(`${start}cmd`)).toBe(`'${start}cmd`);
    expect(csvField("-1.5")).toBe("-1.5");
    expect(csvField("10")).toBe("10");
  });
});

const FORGE_APP = `
  from flask import Flask, make_response, session

  app = Flask(__name__)
  app.secret_key = "fixed key for tests"
  FORGED = ${JSON.stringify(`\n${FORGED_LINES.join("\n")}\n`)}
  SCREEN = ${JSON.stringify(FAKE_SCREEN)}

  @app.get("/crash")
  def crash():
      raise ValueError(SCREEN + FORGED + "\\u202e01/01")

  @app.get("/page")
  def page():
      return ("<p>&#27;[H&#x1b;[2J Score: 10/10 &#27;[8m</p><pre>" + FORGED + "</pre>"
              + "\\x1b]0;title\\x07 \\u202eevil")

  @app.get("/cookie")
  def cookie():
      response = make_response("cookies")
      response.set_cookie("theme", "##[error title=forged]cookie value")
      response.set_cookie("##[error]name", "x")
      return response

  @app.get("/session")
  def store():
      session["note"] = FORGED + SCREEN
      return "stored"
`;

const SPEC: Spec = {
  id: "forge",
  title: "Forged output",
  checks: [
    { id: "crash", title: "Crash", points: 1, steps: [{ request: "GET /crash", expect: { status: 200 } }] },
    { id: "page", title: "Page", points: 1, steps: [{ request: "GET /page", expect: { text: { contains: "never there" } } }] },
    {
      id: "cookie",
      title: "Cookie",
      points: 1,
      steps: [{ request: "GET /cookie", expect: { jar: [{ name: "theme", value: "dark" }], setCookies: [{ name: "missing" }] } }],
    },
    { id: "session", title: "Session", points: 1, steps: [{ request: "GET /session", expect: { session: { has: "never" } } }] },
  ],
};

/** Every output format of these results, as written. */
function renderAll(results: Result[]): Record<Format, string> {
  const out = {} as Record<Format, string>;
  for (const format of FORMATS) {
    let text = "";
    const reporter = createReporter(format, { write: (t) => void (text += t), color: false });
    for (const r of results) reporter.onResult(r);
    reporter.onEnd(summarize(results));
    out[format] = text;
  }
  return out;
}

/** Commands in an output; the github format's own annotations (one line each, written by the grader) aside. */
function forgedCommands(format: Format, output: string): string[] {
  const ours = /^::(error|warning|notice) [^\n]*::[^\n]*$/;
  return runnerCommands(output).filter((line) => format !== "github" || !ours.test(line) || line.includes("##["));
}

/** Every string in a value (keys too). */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
}

describe("forged text through a real app", () => {
  let result: Result;
  let outputs: Record<Format, string>;

  beforeAll(async () => {
    result = await grade(SPEC, tempApp(FORGE_APP));
    outputs = renderAll([result]);
  }, 60_000);

  test("the student text reached the result (each check quotes it), without a control character", () => {
    expect(result.status).toBe("graded");
    const messages = Object.fromEntries(result.checks.map((v) => [v.id, v]));
    expect(messages.crash!.exchanges[0]!.exception!.summary).toContain("::stop-commands::x");
    expect(messages.crash!.exchanges[0]!.exception!.summary).toContain("Score: 10/10");
    expect(messages.page!.exchanges[0]!.response!.text).toContain("[2J Score: 10/10 [8m");
    expect(messages.cookie!.message).toContain("##[error title=forged]cookie value");
    expect(messages.cookie!.message).toContain("##[error]name");
    expect(JSON.stringify(messages.session!.exchanges[0]!.session)).toContain("::stop-commands::x");
    const dirty = strings(result).filter((s) => CONTROL.test(s));
    expect(dirty).toEqual([]);
  });

  test.each([...FORMATS])("%s: no forged workflow command, no control character", (format) => {
    const output = outputs[format];
    expect(output).toContain("10/10"); // the fake score is quoted, as text
    expect(forgedCommands(format, output)).toEqual([]);
    expect(output).not.toMatch(CONTROL);
  });

  test("the Classroom fields the grading reporter prints carry no command", () => {
    const report = JSON.parse(outputs.classroom) as { tests: { name: string; message: string; test_code: string }[] };
    const printed = report.tests.flatMap((t) => [t.name, t.message, t.test_code]).join("\n");
    expect(printed).toContain("Autograding complete");
    expect(runnerCommands(printed)).toEqual([]);
  });

  test("jest: the failure message of each check carries no command", () => {
    for (const check of SPEC.checks!) {
      const outcome = checkOutcome(result, check.id);
      expect(outcome.kind).toBe("fail");
      const failure = new CheckFailure((outcome as { text: string }).text);
      expect(runnerCommands(failure.message)).toEqual([]);
      expect(runnerCommands(failure.stack!)).toEqual([]);
    }
  });
});

describe("a file name as student text", () => {
  test("a blank in a file whose name forges lines: one line in every format, no command", async () => {
    const name = `x\n${FORGED_LINES[0]!.replace("10/10", "10\u221510")}\n##[error]y\u202e.py`;
    const dir = tempApp({ "app.py": "from flask import Flask\napp = Flask(__name__)\n", [name]: "value = ___\n" });
    const result = await grade(SPEC, dir);
    expect(result.problem?.kind).toBe("blanks");
    expect(result.problem!.locations[0]!.file).toBe(nameText(name));
    for (const [format, output] of Object.entries(renderAll([result])) as [Format, string][]) {
      expect(forgedCommands(format, output)).toEqual([]);
      expect(output).not.toMatch(CONTROL);
    }
  }, 60_000);
});

describe("Markdown in the app's words", () => {
  test("an import crash that writes Markdown shows it as text in the step summary: no image, link, heading or HTML", async () => {
    const words = "# Score: 10/10 ![ok](http://127.0.0.1/pixel.png) [grade](http://127.0.0.1/) <img src=x> **done**";
    const result = await grade(SPEC, tempApp(`raise RuntimeError(${JSON.stringify(words)})\n`));
    expect(result.problem?.kind).toBe("import-crash");
    const summary = renderAll([result]).summary;
    const quoted = summary.split("\n").find((line) => line.includes("Score: 10/10"))!;
    expect(quoted).toMatch(/^> /);
    expect(quoted).toContain("\\# Score: 10/10 \\!\\[ok\\](http://127.0.0.1/pixel.png) \\[grade\\](http://127.0.0.1/) \\<img src=x\\> \\*\\*done\\*\\*");
  }, 60_000);
});

describe("answers.yaml as student text", () => {
  test("a forged key and answers with escapes: no control character in the result, no command in any format", async () => {
    const answers = [
      `"\\e[2J\\n::notice title=Autograding complete::Points 10/10": a`,
      `q1: "\\e[H\\e[2JScore: 10/10\\e[8m\\n##[error]forged"`,
      `q2: "\\n::stop-commands::x\\u202e"`,
    ].join("\n");
    const result = await grade(await loadSpec(resolve("specs", "quiz.yaml")), tempApp({ "answers.yaml": `${answers}\n` }));
    expect(result.checks.find((v) => v.id === "q1")!.message).toContain("Score: 10/10");
    expect(result.notes.join("\n")).toContain("Autograding complete");
    expect(strings(result).filter((s) => CONTROL.test(s))).toEqual([]);
    for (const [format, output] of Object.entries(renderAll([result])) as [Format, string][]) {
      expect([format, forgedCommands(format, output)]).toEqual([format, []]);
    }
  }, 60_000);
});

describe("the CLI on GitHub Actions (warm path): stdout, stderr and the step summary", () => {
  test("a forged exception and a forged folder name reach no output as a command", async () => {
    const work = tempApp({
      "visit-counter/app.py": `
        from flask import Flask
        app = Flask(__name__)

        @app.get("/")
        def index():
            raise ValueError(${JSON.stringify(FAKE_SCREEN + "\n" + FORGED_LINES.join("\n"))})
      `,
      [`notes\n${FORGED_LINES[0]!.replace("10/10", "10\u221510")}\u202e/app.py`]: "print(1)\n", // Python: worth a note
    });
    const summaryFile = join(work, "step-summary.md");
    let stdout = "";
    let stderr = "";
    const code = await main([work], {
      stdout: { write: (t: string) => (stdout += t), isTTY: false },
      stderr: { write: (t: string) => (stderr += t) },
      env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summaryFile, GITHUB_WORKSPACE: work },
    });
    expect(code).toBe(0);
    expect(stdout).toContain("Autograding complete"); // quoted, as text
    expect(stderr).toContain("note: ignoring");
    const summary = readFileSync(summaryFile, "utf8");
    for (const [name, output] of [["stdout", stdout], ["stderr", stderr], ["summary", summary]] as const) {
      expect([name, forgedCommands("github", output)]).toEqual([name, []]);
      expect([name, CONTROL.test(output)]).toEqual([name, false]);
    }
  }, 120_000);
});

describe("folder names in a batch", () => {
  // Folder names cannot hold "/": look-alikes (U+2215) stand in for it.
  const wrapper = `x\n[ 2/2] alice\u2215visit-counter (visit-counter): 10\u221510\n::notice title=Autograding complete::Points 10\u221510`;
  const formula = '=HYPERLINK("http:example.invalid","open")';
  const bidi = "\u202e<b>evil";
  let work: string;
  let progress = "";

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "student-text-batch-"));
    const classDir = join(work, "class");
    const crashing = dedent(`
      from flask import Flask
      app = Flask(__name__)

      @app.get("/")
      def index():
          raise ValueError(${JSON.stringify(FAKE_SCREEN + "\n" + FORGED_LINES.join("\n"))})
    `);
    for (const student of ["mallory", formula]) {
      const at = student === "mallory" ? join(classDir, student, wrapper, "visit-counter") : join(classDir, student, "visit-counter");
      mkdirSync(at, { recursive: true });
      writeFileSync(join(at, "app.py"), crashing);
    }
    mkdirSync(join(classDir, bidi), { recursive: true }); // no submission: listed by name in the report
    await runBatch({
      classDir,
      out: join(work, "out"),
      exercises: ["visit-counter"],
      specsDir: resolve("specs"),
      jobs: 1, // the warm launcher, as \`npm run batch\` (grade() above boots cold)
      progress: createProgress({ write: (t: string) => void (progress += t) }),
    });
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test("the progress log has one line per submission, the names escaped, the real scores last", () => {
    const lines = progress.trimEnd().split("\n");
    expect(lines.length).toBe(4); // grading ..., two submissions, graded ...
    expect(lines.filter((l) => l.startsWith("[")).map((l) => l.replace(/^.* \(visit-counter\): /, ""))).toEqual(["0/10", "0/10"]);
    expect(progress).toContain(nameText(`mallory/${wrapper}/visit-counter`));
    expect(runnerCommands(progress)).toEqual([]);
    expect(progress).not.toMatch(CONTROL);
  });

  test("the feedback file keeps the folder in one code span and the app's text in a fence", () => {
    const file = readdirSync(join(work, "out", "feedback")).find((f) => f.startsWith("mallory"))!;
    const markdown = readFileSync(join(work, "out", "feedback", file), "utf8");
    const folderLine = markdown.split("\n").find((l) => l.startsWith("Folder: "))!;
    expect(folderLine).toBe(`Folder: \`${nameText(`mallory/${wrapper}/visit-counter`)}\``);
    expect(markdown).not.toMatch(/^\[ 2\/2\]/m);
    expect(markdown).not.toMatch(CONTROL);
  });

  test("the gradebook shows a formula-like name as text; the HTML report escapes names", () => {
    const csv = readFileSync(join(work, "out", "gradebook.csv"), "utf8");
    const row = csv.split("\r\n").find((l) => l.includes("HYPERLINK"))!;
    expect(row.startsWith(`"'=HYPERLINK(`)).toBe(true);
    expect(csv.replaceAll("\r\n", "\n")).not.toMatch(CONTROL); // CSV ends its records with CRLF
    const html = readFileSync(join(work, "out", "report.html"), "utf8");
    expect(html).not.toContain("<b>evil");
    expect(html).not.toMatch(CONTROL);
    expect(html).toContain(`${nameText(bidi).replace("<", "&lt;").replace(">", "&gt;").replaceAll('"', "&quot;")}`);
  });
});

afterAll(() => removeTempApps());
