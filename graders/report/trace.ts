/**
 * `--format trace=trace.html`: what the browser saw, step by step, as one self-contained page
 * (after Playwright's trace viewer). For each check its steps form a timeline with one column
 * per simulated browser: the request, the status and redirect, the cookies the response set,
 * changed or deleted, the jar and the decoded session after the step, and the page text. The
 * step a check stopped at is highlighted, its hint beside it.
 *
 * Offline by construction: inline CSS, no script, no font, no image, no link to anywhere; the
 * steps fold with <details>. Every piece of student text goes through `plainText`/`nameText`
 * and then the HTML escaping the class report uses. Pure: results in, one document out.
 */
import { esc } from "./htmlText.js";
import type { Exchange, JarEntry, Result, StepAction, Verdict } from "../verdict/types.js";
import { actionsSafe, nameText, plainText } from "../verdict/studentText.js";
import { checkFeedback, cookieChanges, formatLocation, formatPoints, graderErrorText, isConcealed, problemText } from "./feedback.js";
import type { Reporter, ReporterOptions, Summary } from "./reporter.js";
import * as words from "../words/report.js";

/** Characters of a page text or session shown per step: a whole page is rarely needed, a flood must not bloat the file. */
export const TRACE_TEXT_LIMIT = 4000;

export function createTraceReporter(options: ReporterOptions): Reporter {
  return {
    onResult() {},
    onEnd(summary) {
      // On a CI log (stdout) no line of it may act as a workflow command.
      options.write(actionsSafe(traceHtml(summary, options.reveal)));
    },
  };
}

/** The whole trace page for a run. */
export function traceHtml(summary: Summary, reveal = false): string {
  const title = words.traceTitle(summary.results.length === 1 ? summary.results[0]!.title : undefined);
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    // No request may leave the page, even if some text slipped through as markup.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${text(title)}</title><style>${STYLE}</style></head><body>`,
    `<header><h1>${text(title)}</h1><p class="total">Score ${formatPoints(summary.score)} / ${formatPoints(summary.maxScore)}</p></header>`,
    ...summary.results.map((result) => resultSection(result, reveal)),
    "</body></html>",
    "",
  ].join("\n");
}

function resultSection(result: Result, reveal: boolean): string {
  const parts = [
    `<section class="result"><h2>${text(result.title)} <small>(${text(result.exercise)}, ${text(nameText(result.submission))})</small></h2>`,
    `<p class="score">${formatPoints(result.score)} / ${formatPoints(result.maxScore)} points</p>`,
  ];
  if (result.status === "error") parts.push(`<pre class="box error">${text(graderErrorText(result))}</pre>`);
  if (result.problem) parts.push(`<pre class="box fail">${text(problemText(result.problem))}</pre>`);
  for (const note of result.notes) parts.push(`<p class="note">Note: ${text(note)}</p>`);
  parts.push(...result.checks.map((verdict) => checkSection(verdict, result, reveal)));
  parts.push("</section>");
  return parts.join("\n");
}

const STATUS_WORDS: Record<Verdict["status"], string> = words.STATUS_LABELS;

function checkSection(verdict: Verdict, result: Result, reveal: boolean): string {
  const failed = verdict.status === "fail" || verdict.status === "error";
  const badge = `<span class="badge ${verdict.status}">${STATUS_WORDS[verdict.status]}</span>`;
  const points = `<span class="points">${formatPoints(verdict.points)} / ${formatPoints(verdict.maxPoints)}${verdict.advisory ? " (advisory)" : ""}</span>`;
  const head = `<details class="check ${verdict.status}"${failed ? " open" : ""}><summary>${badge} ${text(verdict.title)} ${points}</summary>`;
  // Hidden checks show whether they passed, never what they did.
  if (isConcealed(verdict, reveal)) return `${head}<p class="message">${text(checkFeedback(verdict, { reveal }))}</p></details>`;
  const parts = [head];
  // A failure that stopped at a step is told beside that step, not twice.
  const toldAtStep = failed && (verdict.exchanges.length > 0 || (verdict.actions?.length ?? 0) > 0);
  if (!toldAtStep) parts.push(`<p class="message">${text(verdict.status === "pass" ? verdict.message : checkFeedback(verdict, { reveal, problem: result.problem }).split("\n")[0]!)}</p>`);
  if (verdict.location) parts.push(`<p class="where">Look at ${text(formatLocation(verdict.location))}${verdict.location.label ? ` (${text(verdict.location.label)})` : ""}</p>`);
  parts.push(timeline(verdict, failed));
  parts.push("</details>");
  return parts.join("\n");
}

type Entry = { step: number; browser: string; exchange?: Exchange; action?: StepAction };

/** The steps as rows, one column per browser, each step in the column of the browser that took it. */
function timeline(verdict: Verdict, failed: boolean): string {
  const entries: Entry[] = [
    ...verdict.exchanges.map((exchange, i) => ({ step: exchange.step ?? i + 1, browser: exchange.browser, exchange })),
    ...(verdict.actions ?? []).map((action) => ({ step: action.step, browser: action.browser, action })),
  ].sort((a, b) => a.step - b.step);
  if (entries.length === 0) return verdict.hint && failed ? `<div class="aside">${hintBox(verdict.hint)}</div>` : "";
  const browsers = [...new Set(entries.map((e) => e.browser))];
  // The check stopped at its last step: that is the one a failure is about.
  const stoppedAt = failed ? entries.at(-1) : undefined;
  const jars = new Map<string, JarEntry[]>();
  const rows = entries.map((entry) => {
    const before = jars.get(entry.browser) ?? [];
    const after = entry.exchange?.jar ?? entry.action?.jar;
    if (after) jars.set(entry.browser, after);
    const isStop = entry === stoppedAt;
    const cells = browsers.map((b) =>
      b === entry.browser ? `<td class="step${isStop ? " stopped" : ""}">${stepCard(entry, before, isStop)}</td>` : "<td></td>",
    );
    const aside = isStop ? `<td class="aside"><div class="failure">${text(verdict.message)}</div>${verdict.hint ? hintBox(verdict.hint) : ""}</td>` : "<td></td>";
    return `<tr><th scope="row">${entry.step}</th>${cells.join("")}${aside}</tr>`;
  });
  const header = `<tr><th>Step</th>${browsers.map((b) => `<th>${text(b)}</th>`).join("")}<th></th></tr>`;
  return `<table class="timeline"><thead>${header}</thead><tbody>${rows.join("\n")}</tbody></table>`;
}

function hintBox(hint: string): string {
  return `<div class="hint"><strong>Hint</strong> ${text(hint.replace(/^hint:\s*/i, ""))}</div>`;
}

function stepCard(entry: Entry, jarBefore: readonly JarEntry[], stopped: boolean): string {
  if (entry.action) {
    return `<div class="action">${text(entry.action.text)}</div>${entry.action.jar ? jarTable(entry.action.jar) : ""}`;
  }
  const exchange = entry.exchange!;
  const { method, path, form, cookies } = exchange.request;
  const parts = exchange.via ? [`<div class="action">${text(exchange.via)}</div>`] : [];
  parts.push(`<div class="request"><span class="method">${text(method)}</span> <code>${text(path)}</code></div>`);
  if (form && Object.keys(form).length > 0) parts.push(`<div class="form">form: ${Object.entries(form).map(([k, v]) => `<code>${text(k)}=${text(v)}</code>`).join(" ")}</div>`);
  if (cookies.length > 0) parts.push(`<div class="sent">sent cookies: ${cookies.map((c) => `<code>${text(c)}</code>`).join(" ")}</div>`);
  const response = exchange.response;
  if (!response) {
    parts.push(`<div class="status s5">no response: ${text(exchange.failure ?? "the app did not answer")}</div>`);
  } else {
    parts.push(`<div class="status s${Math.floor(response.status / 100)}">${response.status}${response.location ? ` → <code>${text(response.location)}</code>` : ""}</div>`);
    parts.push(setCookieList(response.setCookies, jarBefore));
  }
  if (exchange.exception) {
    const where = exchange.exception.location ? ` at ${formatLocation(exchange.exception.location)}` : "";
    parts.push(`<div class="exception">your app raised ${text(exchange.exception.summary + where)}</div>`);
  }
  if (exchange.jar) parts.push(jarTable(exchange.jar));
  if (exchange.session !== undefined) {
    parts.push(`<div class="session">session: <code>${exchange.session === null ? "none" : text(cut(JSON.stringify(exchange.session)))}</code></div>`);
  }
  for (const { what, value } of exchange.noted ?? []) parts.push(`<div class="noted">noted ${text(what)}: <code>${text(cut(JSON.stringify(value) ?? String(value)))}</code></div>`);
  if (response?.text) {
    parts.push(`<details class="page"${stopped ? " open" : ""}><summary>page text</summary><pre>${text(cut(response.text))}</pre></details>`);
  }
  return parts.join("");
}

/** Each Set-Cookie as added, changed (the browser had it) or deleted, with its header. */
function setCookieList(setCookies: readonly string[], jarBefore: readonly JarEntry[]): string {
  if (setCookies.length === 0) return "";
  const { deleted } = cookieChanges(setCookies);
  const had = new Set(jarBefore.map((c) => c.name));
  const items = setCookies.map((header) => {
    const name = header.split(";")[0]!.split("=")[0]!.trim();
    const kind = deleted.includes(name) ? "deleted" : had.has(name) ? "changed" : "added";
    return `<li class="${kind}"><span class="kind">${kind}</span> <code>${text(header)}</code></li>`;
  });
  return `<ul class="set-cookie" aria-label="Set-Cookie">${items.join("")}</ul>`;
}

function jarTable(jar: readonly JarEntry[]): string {
  if (jar.length === 0) return `<div class="jar">jar: empty</div>`;
  const rows = jar.map((c) => `<tr><td><code>${text(c.name)}</code></td><td><code>${text(c.value)}</code></td></tr>`).join("");
  return `<table class="jar"><caption>jar after this step</caption>${rows}</table>`;
}

/** A long value (page text, session, noted value) cut, saying how much was left out. */
function cut(value: string): string {
  return value.length > TRACE_TEXT_LIMIT ? `${value.slice(0, TRACE_TEXT_LIMIT)}… (${value.length - TRACE_TEXT_LIMIT} more characters)` : value;
}

/** Student (or any) text as HTML: plain text first, then escaped. */
function text(value: string): string {
  return esc(plainText(value));
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#1b1b1b;background:#fff}
h1{font-size:1.4em;margin:0}h2{font-size:1.2em;margin:1.2em 0 .3em}small{color:#666;font-weight:normal}
code,pre{font-family:ui-monospace,monospace;font-size:12px;overflow-wrap:anywhere}
pre{white-space:pre-wrap;margin:.3em 0}
.box{padding:.6em;border-radius:4px}.box.error{background:#fff4e0}.box.fail{background:#fdecec}
details.check{border:1px solid #ddd;border-radius:6px;margin:.5em 0;padding:.3em .6em}
details.check.fail,details.check.error{border-color:#d33;background:#fffafa}
details.check>summary{cursor:pointer;font-weight:600}
.badge{display:inline-block;min-width:5.5em;text-align:center;border-radius:3px;padding:0 .4em;font-size:12px;color:#fff}
.badge.pass{background:#2a7d2a}.badge.fail{background:#c62828}.badge.error{background:#b26a00}.badge.skip{background:#777}
.points{color:#666;font-weight:normal;margin-left:.5em}
table.timeline{border-collapse:collapse;width:100%;margin:.5em 0;table-layout:fixed}
table.timeline>thead th{text-align:left;border-bottom:2px solid #ccc;padding:.2em .4em}
table.timeline>thead th:first-child,table.timeline>tbody>tr>th{width:3em;vertical-align:top;padding:.4em}
table.timeline>tbody>tr>td{vertical-align:top;padding:.3em;border-bottom:1px solid #eee}
td.step{background:#f7f9fc;border-left:3px solid #8ab}
td.step.stopped{background:#fdecec;border-left:4px solid #c62828}
.failure{color:#8b1a1a;font-weight:600;margin-bottom:.3em}
.hint{background:#fff8d6;border:1px solid #e0c84a;border-radius:4px;padding:.4em}
.status{font-weight:600}.s2{color:#2a7d2a}.s3{color:#1d5fa8}.s4,.s5{color:#c62828}
ul.set-cookie{margin:.2em 0;padding-left:1.2em}
.kind{font-size:11px;text-transform:uppercase;padding:0 .3em;border-radius:3px;background:#e3ecf7}
li.deleted .kind{background:#f8d7d7}li.changed .kind{background:#fbeec9}
table.jar{border-collapse:collapse;margin:.2em 0}table.jar caption{text-align:left;white-space:nowrap;font-size:12px;color:#555}
table.jar td{border:1px solid #ddd;padding:0 .3em;max-width:30em}
.exception{color:#c62828}.action{font-style:italic}
`;
