/**
 * The trace page (issue 13.6): `--format trace=FILE` writes one offline HTML page of what each
 * simulated browser saw at each step. Graded for real: the visit-counter solution, and the
 * known-wrong fixture that keeps the count in a plain cookie, made hostile (its page quotes a
 * <script>). The page is read as text, then rendered in headless Chromium (the DOM it builds, and
 * a screenshot) when Chromium is installed.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeOutputs } from "../graders/batch/outputs.js";
import { recordKey, safeName, type Manifest, type SubmissionRecord } from "../graders/batch/store.js";
import { grade } from "../graders/grade.js";
import { loadSpec } from "../graders/spec/load.js";
import { summarize } from "../graders/report/reporter.js";
import { TRACE_TEXT_LIMIT, traceHtml } from "../graders/report/trace.js";
import type { Exchange, Result, Verdict } from "../graders/verdict/types.js";
import { parseFormats } from "../scripts/cli/args.js";
import { main } from "../scripts/cli/main.js";
import { chromiumTest } from "./support/chromium.js";

const root = fileURLToPath(new URL("..", import.meta.url));
/** What the hostile app's page says (as HTML entities, so the page text holds a real `<script>`). */
const HOSTILE_MARKUP = "<p>&lt;script&gt;document.title='pwned'&lt;/script&gt;</p>";

let dir: string;
let wrongTrace: string;
let solutionTrace: string;
let wrong: string;
let solution: string;

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: { write: (t: string) => (stdout += t), isTTY: false }, stderr: { write: (t: string) => (stderr += t) }, env: {} });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "autograde-trace-"));
  const app = join(dir, "wrong", "visit-counter");
  mkdirSync(app, { recursive: true });
  const fixture = readFileSync(join(root, "tests", "fixtures", "visit-counter", "counter-in-plain-cookie", "app.py"), "utf8");
  const hostile = fixture.replace("<p>Number of visits: {visits}</p>", `<p>Number of visits: {visits}</p>${HOSTILE_MARKUP}`);
  expect(hostile).not.toBe(fixture);
  writeFileSync(join(app, "app.py"), hostile);
  wrongTrace = join(dir, "wrong.html");
  solutionTrace = join(dir, "solution.html");
  const wrongRun = await cli([app, "--format", `pretty,trace=${wrongTrace}`]);
  expect(wrongRun.stdout).toContain("8/10");
  const solutionRun = await cli([join(root, "solutions", "visit-counter"), "--format", `trace=${solutionTrace}`]);
  expect(solutionRun).toMatchObject({ code: 0, stdout: "", stderr: "" });
  wrong = readFileSync(wrongTrace, "utf8");
  solution = readFileSync(solutionTrace, "utf8");
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the trace as text", () => {
  test("every check is there by its title, the failed one open and highlighted at the step it stopped, the hint beside it", () => {
    expect(wrong).toMatch(/^<!doctype html>/);
    for (const title of ["The home page opens without an error", "Each browser has its own count", "The count is kept in Flask&#39;s session"]) {
      expect(wrong).toContain(title);
    }
    expect(wrong.match(/<details class="check fail" open>/g)).toHaveLength(1);
    expect(wrong.match(/<td class="step stopped">/g)).toHaveLength(1);
    const stopRow = wrong.slice(wrong.indexOf('<td class="step stopped">'));
    const asideAt = stopRow.indexOf('<td class="aside">');
    // The aside is the cell right after the stopped step, in the same row.
    expect(asideAt).toBeGreaterThan(0);
    expect(stopRow.lastIndexOf('<th scope="row">', asideAt)).toBe(-1);
    const aside = stopRow.slice(asideAt, stopRow.indexOf("</td></tr>", asideAt));
    expect(aside).toContain("expected the response to set the cookie &quot;session&quot;");
    expect(aside).toContain("A cookie you write yourself with set_cookie does not count here");
  });

  test("each step shows its request, status, the cookies set (added, then changed), the jar and the session", () => {
    expect(wrong).toContain('<span class="method">GET</span> <code>/</code>');
    expect(wrong).toContain('<div class="status s2">200</div>');
    expect(wrong).toContain('<li class="added"><span class="kind">added</span> <code>visits=1; Path=/</code></li>');
    expect(wrong).toContain('<li class="changed"><span class="kind">changed</span> <code>visits=2; Path=/</code></li>');
    expect(wrong).toContain("<tr><td><code>visits</code></td><td><code>2</code></td></tr>");
    expect(wrong).toContain('session: <code>none</code>');
    // Two browsers, two columns.
    expect(wrong).toContain("<th>first</th><th>second</th>");
    // The solution's session, decoded.
    expect(solution).toContain("session: <code>{&quot;visits&quot;:2}</code>");
    expect(solution).toMatch(/<li class="added"><span class="kind">added<\/span> <code>session=/);
    expect(solution).not.toContain('<td class="step stopped">');
    expect(solution).not.toContain('class="check fail"');
  });

  test("the app's <script> is shown as text; the page has no script and asks nothing of the network", () => {
    expect(wrong).toContain("Number of visits: 1 &lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;");
    for (const page of [wrong, solution]) {
      expect(page).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|https?:|url\(/i);
      expect(page).toContain("default-src 'none'");
    }
  });

  test("on stdout the trace must be alone; in a file it goes with any format", () => {
    expect(() => parseFormats(["pretty,trace"])).toThrow(/trace writes a whole HTML page: it cannot share stdout with pretty.*--format pretty,trace=trace\.html/);
    expect(parseFormats(["trace"])).toEqual([{ format: "trace" }]);
    expect(parseFormats(["pretty,trace=t.html"])).toEqual([{ format: "pretty" }, { format: "trace", file: "t.html" }]);
  });
});

describe("the trace of a made-up result", () => {
  const exchange = (step: number, setCookies: string[], text: string, jar: { name: string; value: string }[]): Exchange => ({
    browser: "browser",
    step,
    request: { method: "POST", path: "/logout", cookies: ["session"] },
    response: { status: 302, location: "/", headers: {}, setCookies, text },
    jar,
    session: null,
  });
  const verdict = (over: Partial<Verdict>): Verdict => ({
    id: "logout", title: "Logging out forgets the user", status: "fail", points: 0, maxPoints: 2, advisory: false, visibility: "visible",
    message: "Step 2 of 2 (POST /logout): expected no session", hint: "Clear the session", exchanges: [], durationMs: 1, ...over,
  });
  const result = (checks: Verdict[]): Result => ({
    exercise: "login-logout", title: "Log in", submission: "x", score: 0, maxScore: 2, status: "graded", notes: [], checks, durationMs: 1,
  });
  const steps = [
    exchange(1, ["session=abc; HttpOnly; Path=/"], "in", [{ name: "session", value: "abc" }]),
    exchange(2, ["session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/"], "x".repeat(TRACE_TEXT_LIMIT + 50), []),
  ];

  test("a cookie the response deletes is marked deleted, a redirect shows where it goes, a long page is cut", () => {
    const page = traceHtml(summarize([result([verdict({ exchanges: steps })])]));
    expect(page).toContain('<li class="deleted"><span class="kind">deleted</span> <code>session=; Expires=');
    expect(page).toContain('<div class="status s3">302 → <code>/</code></div>');
    expect(page).toContain('<div class="jar">jar: empty</div>');
    expect(page).toContain(`${"x".repeat(TRACE_TEXT_LIMIT)}… (50 more characters)`);
  });

  test("a hidden check shows whether it passed, not its steps, unless revealed", () => {
    const hidden = [verdict({ exchanges: steps, visibility: "hidden" })];
    expect(traceHtml(summarize([result(hidden)]))).not.toContain("/logout");
    expect(traceHtml(summarize([result(hidden)]), true)).toContain("/logout");
  });
});

describe("batch feedback", () => {
  test("each graded student gets trace/<student>.html, linked from their feedback; a student with nothing run gets none", async () => {
    const spec = await loadSpec(join(root, "specs", "visit-counter.yaml"));
    const result = await grade(spec, join(dir, "wrong", "visit-counter"));
    // A hostile folder name: the file name is encoded, the link encoded again, the page escapes the name.
    const students = ["a <b>&c", "nobody"];
    const manifest: Manifest = {
      version: 1,
      class: "class",
      exercises: ["visit-counter"],
      maxScores: { "visit-counter": 10 },
      shard: null,
      students: [
        { student: students[0]!, submissions: [{ exercise: "visit-counter", path: "visit-counter" }], missing: [] },
        { student: students[1]!, submissions: [], notSubmission: "no app.py", missing: [] },
      ],
    };
    const record: SubmissionRecord = { version: 1, student: students[0]!, exercise: "visit-counter", path: "visit-counter", fingerprint: "x", result };
    const out = join(dir, "batch");
    writeOutputs(out, manifest, new Map([[recordKey(students[0]!, "visit-counter"), record]]));
    const file = `${safeName(students[0]!)}.html`;
    expect(readdirSync(join(out, "trace"))).toEqual([file]);
    const page = readFileSync(join(out, "trace", file), "utf8");
    expect(page).toContain('<td class="step stopped">');
    expect(page).toContain("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;");
    const feedback = readFileSync(join(out, "feedback", `${safeName(students[0]!)}.md`), "utf8");
    expect(feedback).toContain(`[your trace](<../trace/${encodeURIComponent(file.replace(/\.html$/, ""))}.html>)`);
    expect(readFileSync(join(out, "feedback", "nobody.md"), "utf8")).not.toContain("trace");
    const report = readFileSync(join(out, "report.html"), "utf8");
    expect(report).toContain(`<a href="trace/${encodeURIComponent(safeName(students[0]!))}.html">trace</a>`);
    expect(report.match(/">trace<\/a>/g)).toHaveLength(3); // one per ordering of the students' table
  }, 120_000);
});

describe("the trace in a browser", () => {
  const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

  function chromium(binary: string, args: string[]): Promise<string> {
    const profile = mkdtempSync(join(dir, "profile-"));
    return new Promise((resolve, reject) => {
      execFile(binary, [...FLAGS, `--user-data-dir=${profile}`, ...args], { timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`chromium failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      });
    });
  }

  chromiumTest(
    "Chromium renders it offline: the DOM has every check and the highlighted step, the app's script never ran, and a screenshot is taken",
    async (binary) => {
      const dom = await chromium(binary, ["--dump-dom", `file://${wrongTrace}`]);
      // The hostile page text would have renamed the page had it run as a script.
      expect(dom).toContain("<title>Trace: Visit counter</title>");
      expect(dom).not.toContain("pwned</title>");
      const spec = await loadSpec(join(root, "specs", "visit-counter.yaml"));
      expect(dom.match(/<details class="check /g)).toHaveLength(spec.checks!.length);
      expect(dom).toMatch(/<details class="check fail" open="">/);
      expect(dom).toContain('<td class="step stopped">');
      expect(dom).toContain("Number of visits: 1 &lt;script&gt;document.title='pwned'&lt;/script&gt;");
      expect(dom).not.toMatch(/<script/i);

      // In the test's folder, removed with it (a folder per run of its own filled /tmp).
      const shot = join(dir, "trace.png");
      await chromium(binary, [`--screenshot=${shot}`, "--window-size=1200,1600", `file://${wrongTrace}`]);
      const png = readFileSync(shot);
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
      expect(png.length).toBeGreaterThan(10_000);
    },
    180_000,
  );
});
