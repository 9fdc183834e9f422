/**
 * Page text (graders/drive/pageText.ts): a real HTML parser in linear time, aware of the content
 * type, every HTML entity. Pathological markup of 1 MB (what the grader reads of a page at most)
 * gives the text a browser would show; a real app's 480 KB page of `<script>` tags is graded
 * correctly, and a text/plain page is read as it is. No timing is asserted (see the README's
 * threat model for the measured CPU time).
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { visibleText, wholeNumbers } from "../graders/drive/pageText.js";
import { grade } from "../graders/grade.js";
import { loadSpec } from "../graders/spec/load.js";
import type { Spec } from "../graders/spec/types.js";
import { removeTempApps, tempApp } from "./support/tempApps.js";

const MB = 1024 * 1024;
/** `unit` repeated to `size` (1 MB by default), whole units only. */
const fill = (unit: string, size = MB) => unit.repeat(Math.floor(size / unit.length));

describe("1 MB of pathological markup", () => {
  test.each([
    ["unclosed <script> tags", `<p>Visits: 3</p>${fill("<script>")}`, "Visits: 3"],
    ["unclosed <div> tags (deep nesting)", `<p>Visits: 3</p>${fill("<div>")}`, "Visits: 3"],
    ["close tags that match nothing", `<p>Visits: 3</p>${fill("<div>", MB / 2)}${fill("</x>", MB / 2)}`, "Visits: 3"],
    ["nested, unclosed comments", `<p>Visits: 3</p>${fill("<!-- <!-- ")}`, "Visits: 3"],
    ["an attribute never closed", `<p>Visits: 3</p><p title='${fill("x")}`, "Visits: 3"],
    ["heads and titles never closed", `<p>Visits: 3</p>${fill("<head><title>")}`, "Visits: 3"],
  ])("%s", (_name, html, text) => {
    expect(visibleText(html)).toBe(text);
  });

  test("a megabyte of `<` and `&` is text", () => {
    expect(visibleText(fill("<")).length).toBe(MB);
    expect(visibleText(fill("&")).length).toBe(MB);
    expect(visibleText(fill("&lt;")).length).toBe(MB / 4);
  });
});

describe("the contract", () => {
  test("hidden: script, style, head, title, comments; each tag a space; whitespace collapsed", () => {
    expect(visibleText("<html><head><title>T 5</title><style>p{}</style></head><body><!-- 7 --><td>1</td><td>2</td></body>")).toBe("1 2");
    // A head left open ends where the body's content starts, as in a browser.
    expect(visibleText("<html><head><title>T 5</title><p>Count: 1")).toBe("Count: 1");
    expect(visibleText("a<!-- <!-- 5 -->b -->c")).toBe("a b -->c");
    expect(wholeNumbers(visibleText("<h1>Visits</h1><p>12</p>"))).toEqual([12]);
  });

  test("every HTML entity, only when complete; `<` that opens no tag is text", () => {
    expect(visibleText("I &hearts; Flask &rarr; &#x1F40D; &Aacute;&nbsp;&frac12;")).toBe("I \u2665 Flask \u2192 \u{1F40D} \u00c1 \u00bd");
    expect(visibleText("&copy &notit; &unknown; &amp;lt;")).toBe("&copy &notit; &unknown; &lt;");
    expect(visibleText("I <3 Flask > Django")).toBe("I <3 Flask > Django");
  });

  test("the content type decides: HTML is parsed, text/plain and JSON are read as they are", () => {
    expect(visibleText("<b>I</b> &lt;3 Flask", "text/html; charset=utf-8")).toBe("I <3 Flask");
    expect(visibleText("<b>I</b> &lt;3 Flask", "text/plain; charset=utf-8")).toBe("<b>I</b> &lt;3 Flask");
    expect(visibleText('{"visits": 3}\n', "application/json")).toBe('{"visits": 3}');
    expect(visibleText("<p>3</p>", "application/xhtml+xml")).toBe("3");
  });
});

describe("through real apps", () => {
  afterAll(() => removeTempApps());

  test("the visit counter with `<script>` * 60000 (480 KB) on its page gets full marks", async () => {
    const spec = await loadSpec(resolve("specs", "visit-counter.yaml"));
    const solution = readFileSync(resolve("solutions", "visit-counter", "app.py"), "utf8");
    const padded = solution.replace(/return (f"<h1>.*)$/m, 'return $1 + "<script>" * 60000');
    expect(padded).not.toBe(solution);
    const result = await grade(spec, tempApp({ "app.py": padded }));
    expect(result.checks.filter((v) => v.status !== "pass")).toEqual([]);
    expect(result.score).toBe(result.maxScore);
  }, 120_000);

  test("a text/plain page is read as it is", async () => {
    const spec: Spec = {
      id: "plain",
      title: "Plain text",
      checks: [{ id: "plain", title: "Plain", steps: [{ request: "GET /", expect: { text: { contains: "I <3 Flask > Django" } } }] }],
    };
    const app = tempApp(`
      from flask import Flask
      app = Flask(__name__)

      @app.get("/")
      def index():
          return "I <3 Flask > Django", 200, {"Content-Type": "text/plain; charset=utf-8"}
    `);
    const result = await grade(spec, app);
    expect(result.checks[0]!.status).toBe("pass");
  }, 60_000);
});
