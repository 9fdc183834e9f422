/**
 * `report.html`: the class at a glance, for the teacher. One self-contained file: inline CSS and
 * inline SVG charts, no script, no font, no image, no request to anywhere. Pure: rows in, text out.
 * - the score distribution (percent of the class, and each exercise's points);
 * - the pass rate of every check;
 * - the most frequent hints (what most students need to hear);
 * - who could not be graded, and which folders were not submissions;
 * - every student in a table, with a link to their feedback file: sorted and filtered by the
 *   radio buttons above it, with CSS alone (`:checked ~`), since the page runs no script.
 */
import { formatPoints } from "../report/feedback.js";
import { esc } from "../report/htmlText.js";
import { hasTrace, traceLink } from "./traceFiles.js";
import { formatPercent, type StudentRow } from "./gradebook.js";
import { safeName, type Manifest } from "./store.js";
import { nameText } from "../verdict/studentText.js";

export interface ClassStats {
  students: number;
  graded: number;
  couldNotGrade: number;
  noSubmission: number;
  /** Percent of every graded student. */
  percents: number[];
  exercises: ExerciseStats[];
  hints: HintStats[];
}

export interface ExerciseStats {
  id: string;
  title: string;
  maxScore: number;
  /** Score of every graded submission of this exercise. */
  scores: number[];
  checks: { id: string; title: string; passed: number; graded: number }[];
}

export interface HintStats {
  text: string;
  count: number;
  /** `exercise: check title` (or `exercise: app did not start`) where it was given. */
  where: string[];
}

const TOP_HINTS = 10;

export function classStats(manifest: Manifest, rows: readonly StudentRow[]): ClassStats {
  const exercises = new Map<string, ExerciseStats>(
    manifest.exercises.map((id) => [id, { id, title: id, maxScore: manifest.maxScores[id] ?? 0, scores: [], checks: [] }]),
  );
  const hints = new Map<string, { count: number; where: Set<string> }>();
  const hint = (text: string | undefined, where: string) => {
    if (!text) return;
    const entry = hints.get(text) ?? hints.set(text, { count: 0, where: new Set() }).get(text)!;
    entry.count++;
    entry.where.add(where);
  };

  for (const row of rows) {
    for (const result of row.results) {
      if (result.status !== "graded") continue;
      const ex = exercises.get(result.exercise);
      if (!ex) continue;
      ex.title = result.title;
      ex.maxScore = result.maxScore;
      ex.scores.push(result.score);
      for (const v of result.checks) {
        let check = ex.checks.find((c) => c.id === v.id);
        if (!check) ex.checks.push((check = { id: v.id, title: v.title, passed: 0, graded: 0 }));
        check.graded++;
        if (v.status === "pass") check.passed++;
      }
      if (result.problem) hint(result.problem.hint ?? result.problem.message.split("\n")[0], `${result.exercise}: the app did not start`);
      else for (const v of result.checks) if (v.status === "fail" && !v.advisory) hint(v.hint, `${result.exercise}: ${v.title}`);
    }
  }

  return {
    students: rows.length,
    graded: rows.filter((r) => r.status === "graded").length,
    couldNotGrade: rows.filter((r) => r.status === "could not grade").length,
    noSubmission: rows.filter((r) => r.status === "no submission").length,
    percents: rows.filter((r) => r.status === "graded").map((r) => r.percent ?? 0),
    exercises: [...exercises.values()],
    hints: [...hints.entries()]
      .map(([text, h]) => ({ text, count: h.count, where: [...h.where].sort() }))
      .sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
      .slice(0, TOP_HINTS),
  };
}

export function reportHtml(manifest: Manifest, rows: readonly StudentRow[]): string {
  const stats = classStats(manifest, rows);
  const title = `Class report: ${manifest.exercises.join(", ") || "no exercise"}`;
  const mean = stats.percents.length ? stats.percents.reduce((a, b) => a + b, 0) / stats.percents.length : undefined;
  const median = stats.percents.length ? medianOf(stats.percents) : undefined;

  const parts: string[] = [];
  parts.push(`<h1>${esc(title)}</h1>`);
  parts.push(
    `<ul class="facts">` +
      fact("student folders", String(stats.students)) +
      fact("graded", String(stats.graded)) +
      fact("could not grade", String(stats.couldNotGrade), stats.couldNotGrade > 0 ? "bad" : "") +
      fact("no submission", String(stats.noSubmission)) +
      fact("mean", mean === undefined ? "–" : `${formatPercent(mean)} %`) +
      fact("median", median === undefined ? "–" : `${formatPercent(median)} %`) +
      `</ul>`,
  );

  parts.push(`<section><h2>Score distribution</h2>`);
  parts.push(`<p>Percent of the available points, per graded student.</p>`);
  parts.push(histogram(percentBins(stats.percents), "students", "score-distribution"));
  for (const ex of stats.exercises) {
    parts.push(`<h3>${esc(ex.title)} <small>(${esc(ex.id)}, ${formatPoints(ex.maxScore)} points, ${ex.scores.length} graded)</small></h3>`);
    parts.push(histogram(scoreBins(ex.scores, ex.maxScore), "submissions", `scores-${ex.id}`));
  }
  parts.push(`</section>`);

  parts.push(`<section><h2>Pass rate of every check</h2>`);
  parts.push(`<p>Share of the graded submissions that passed each check (skipped and failed count as not passed).</p>`);
  for (const ex of stats.exercises) {
    parts.push(`<h3>${esc(ex.title)}</h3>`);
    parts.push(
      ex.checks.length
        ? barChart(
            ex.checks.map((c) => ({
              label: c.title,
              value: c.graded ? c.passed / c.graded : 0,
              text: `${c.graded ? Math.round((100 * c.passed) / c.graded) : 0} % (${c.passed}/${c.graded})`,
            })),
            `pass-rate-${ex.id}`,
          )
        : `<p class="empty">No graded submission.</p>`,
    );
  }
  parts.push(`</section>`);

  parts.push(`<section><h2>Most frequent hints</h2>`);
  parts.push(`<p>The hints the class was given most often, counted once per failed check (or per app that did not start).</p>`);
  parts.push(stats.hints.length ? hintTable(stats.hints) : `<p class="empty">No hints: nothing failed.</p>`);
  parts.push(`</section>`);

  const troubled = rows.filter((r) => r.status !== "graded");
  if (troubled.length) {
    parts.push(`<section><h2>Not graded</h2><table class="list"><tr><th>student</th><th>status</th><th>why</th></tr>`);
    for (const r of troubled) parts.push(`<tr class="${r.status === "could not grade" ? "bad" : ""}"><td>${esc(nameText(r.student))}</td><td>${esc(r.status)}</td><td>${esc(r.note)}</td></tr>`);
    parts.push(`</table></section>`);
  }

  parts.push(studentsTable(manifest, rows));

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${parts.join("\n")}
</body>
</html>
`;
}

const CSS = `
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2433; margin: 2rem auto; max-width: 960px; padding: 0 1rem; background: #fff; }
h1 { font-size: 1.6rem; margin-bottom: .5rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #d8dde6; padding-bottom: .3rem; }
h3 { font-size: 1rem; margin: 1.4rem 0 .4rem; }
small { color: #5b6475; font-weight: normal; }
.facts { display: flex; flex-wrap: wrap; gap: .6rem; list-style: none; padding: 0; }
.facts li { background: #f1f4f9; border-radius: 6px; padding: .4rem .8rem; }
.facts b { display: block; font-size: 1.3rem; }
.facts .bad b, tr.bad td { color: #b3261e; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: #1d2433; }
svg .axis { stroke: #8a93a5; stroke-width: 1; }
svg .hist { fill: #3f6fb5; }
svg .pass { fill: #2a9d6f; }
svg .rest { fill: #e9edf3; }
svg .hint { fill: #d9822b; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid #e4e8ef; }
td.count { white-space: nowrap; width: 190px; }
.where { color: #5b6475; font-size: .85rem; }
.empty { color: #5b6475; font-style: italic; }
.controls { margin: .4rem 0; }
.controls b { font-weight: 600; margin-right: .4rem; }
#students td.num { text-align: right; white-space: nowrap; }
#students tr.s-error td, #students tr.s-none td { color: #b3261e; }
#students tbody.by-score, #students tbody.by-status { display: none; }
#sort-score:checked ~ table tbody.by-name, #sort-status:checked ~ table tbody.by-name { display: none; }
#sort-score:checked ~ table tbody.by-score, #sort-status:checked ~ table tbody.by-status { display: table-row-group; }
#filter-below:checked ~ table tbody tr.full,
#filter-error:checked ~ table tbody tr:not(.s-error),
#filter-none:checked ~ table tbody tr:not(.s-none) { display: none; }
`;

/**
 * Every student: status, points per exercise, percent, the note, and a link to the feedback file.
 * Three orders are rendered (name, lowest score first, status) and radio buttons pick one with
 * CSS alone; others filter by status. Without CSS the three orders simply follow one another.
 */
function studentsTable(manifest: Manifest, rows: readonly StudentRow[]): string {
  const logins = rows.some((r) => r.login !== undefined);
  const head =
    `<thead><tr><th>student</th>${logins ? "<th>login</th>" : ""}<th>status</th>` +
    manifest.exercises.map((id) => `<th>${esc(id)}</th>`).join("") +
    `<th>percent</th><th>note</th><th>feedback</th></tr></thead>`;
  const line = (row: StudentRow): string => {
    const cls = [
      row.status === "graded" ? "s-graded" : row.status === "could not grade" ? "s-error" : "s-none",
      row.status === "graded" && (row.percent ?? 0) >= 100 ? "full" : "",
    ].filter(Boolean).join(" ");
    const cells = manifest.exercises.map((id) => {
      const points = row.points[id];
      const max = manifest.maxScores[id];
      return `<td class="num">${points === undefined ? "–" : `${formatPoints(points)}${max !== undefined ? ` / ${formatPoints(max)}` : ""}`}</td>`;
    });
    const href = `feedback/${encodeURIComponent(safeName(row.student))}.md`;
    return (
      `<tr class="${cls}"><td>${esc(nameText(row.student))}</td>${logins ? `<td>${esc(row.login === undefined ? "" : nameText(row.login))}</td>` : ""}` +
      `<td>${esc(row.status)}</td>${cells.join("")}<td class="num">${row.percent === undefined ? "–" : `${formatPercent(row.percent)} %`}</td>` +
      `<td>${esc(row.note)}</td><td><a href="${esc(href)}">feedback</a>${hasTrace(row) ? ` <a href="${esc(traceLink(row.student))}">trace</a>` : ""}</td></tr>`
    );
  };
  const byName = [...rows];
  const byScore = [...rows].sort((a, b) => (a.percent ?? -1) - (b.percent ?? -1) || (a.student < b.student ? -1 : a.student > b.student ? 1 : 0));
  const rank = (r: StudentRow) => (r.status === "could not grade" ? 0 : r.status === "no submission" ? 1 : 2);
  const byStatus = [...rows].sort((a, b) => rank(a) - rank(b) || (a.percent ?? 0) - (b.percent ?? 0) || (a.student < b.student ? -1 : 1));
  const radio = (group: string, id: string, label: string, checked = false) =>
    `<input type="radio" name="${group}" id="${id}"${checked ? " checked" : ""}><label for="${id}">${esc(label)}</label> `;
  return (
    `<section><h2>Students</h2>` +
    `<p>Every student folder, with a link to the feedback file written for it. Choose the order and which students to show.</p>` +
    `<div class="controls"><b>order</b></div>` +
    radio("sort", "sort-name", "by name", true) + radio("sort", "sort-score", "lowest score first") + radio("sort", "sort-status", "by status") +
    `<div class="controls"><b>show</b></div>` +
    radio("filter", "filter-all", `everybody (${rows.length})`, true) +
    radio("filter", "filter-below", `below full marks (${rows.filter((r) => !(r.status === "graded" && (r.percent ?? 0) >= 100)).length})`) +
    radio("filter", "filter-error", `could not grade (${rows.filter((r) => r.status === "could not grade").length})`) +
    radio("filter", "filter-none", `no submission (${rows.filter((r) => r.status === "no submission").length})`) +
    `<table id="students" class="list">${head}` +
    `<tbody class="by-name">${byName.map(line).join("")}</tbody>` +
    `<tbody class="by-score">${byScore.map(line).join("")}</tbody>` +
    `<tbody class="by-status">${byStatus.map(line).join("")}</tbody>` +
    `</table></section>`
  );
}

function fact(label: string, value: string, cls = ""): string {
  return `<li class="${cls}"><b>${esc(value)}</b>${esc(label)}</li>`;
}

interface Bin {
  label: string;
  count: number;
}

function percentBins(percents: readonly number[]): Bin[] {
  const bins: Bin[] = Array.from({ length: 10 }, (_, i) => ({ label: i === 9 ? "90–100" : `${i * 10}–${i * 10 + 9}`, count: 0 }));
  for (const p of percents) bins[Math.min(9, Math.max(0, Math.floor(p / 10)))]!.count++;
  return bins;
}

function scoreBins(scores: readonly number[], max: number): Bin[] {
  if (Number.isInteger(max) && max <= 30 && scores.every(Number.isInteger)) {
    const bins: Bin[] = Array.from({ length: max + 1 }, (_, i) => ({ label: String(i), count: 0 }));
    for (const s of scores) bins[Math.min(max, Math.max(0, s))]!.count++;
    return bins;
  }
  return percentBins(scores.map((s) => (max > 0 ? (100 * s) / max : 0)));
}

/** Vertical bars, one per bin, the count above each. */
function histogram(bins: readonly Bin[], unit: string, id: string): string {
  const width = 720;
  const height = 200;
  const left = 36;
  const bottom = 28;
  // Room above the tallest bar's count for the unit's label, so that the two never overlap.
  const top = 36;
  const most = Math.max(1, ...bins.map((b) => b.count));
  const slot = (width - left - 8) / Math.max(1, bins.length);
  const bar = Math.max(4, slot * 0.72);
  const scale = (height - top - bottom) / most;
  const parts = [`<svg id="${esc(id)}" class="chart" role="img" aria-label="${esc(`${unit} per score`)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`];
  parts.push(`<line class="axis" x1="${left}" y1="${height - bottom}" x2="${width - 4}" y2="${height - bottom}"/>`);
  parts.push(`<text x="4" y="13">${esc(unit)}</text>`);
  bins.forEach((b, i) => {
    const x = left + i * slot + (slot - bar) / 2;
    const h = b.count * scale;
    const y = height - bottom - h;
    parts.push(
      `<rect class="hist" x="${r(x)}" y="${r(y)}" width="${r(bar)}" height="${r(h)}"><title>${esc(`${b.label}: ${b.count} ${unit}`)}</title></rect>`,
      `<text x="${r(x + bar / 2)}" y="${r(y - 4)}" text-anchor="middle">${b.count || ""}</text>`,
      `<text x="${r(x + bar / 2)}" y="${height - bottom + 16}" text-anchor="middle">${esc(b.label)}</text>`,
    );
  });
  parts.push(`</svg>`);
  return parts.join("");
}

/** Horizontal bars from 0 to 1, a label on the left and a text on the right. */
function barChart(items: readonly { label: string; value: number; text: string }[], id: string): string {
  const width = 720;
  const row = 26;
  const labelWidth = 330;
  const barWidth = 250;
  const height = items.length * row + 8;
  const parts = [`<svg id="${esc(id)}" class="chart" role="img" aria-label="pass rate per check" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`];
  items.forEach((item, i) => {
    const y = 4 + i * row;
    const w = Math.max(0, Math.min(1, item.value)) * barWidth;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${esc(shorten(item.label, 48))}<title>${esc(item.label)}</title></text>`,
      `<rect class="rest" x="${labelWidth}" y="${y + 3}" width="${barWidth}" height="16"/>`,
      `<rect class="pass" x="${labelWidth}" y="${y + 3}" width="${r(w)}" height="16"><title>${esc(`${item.label}: ${item.text}`)}</title></rect>`,
      `<text x="${labelWidth + barWidth + 8}" y="${y + 15}">${esc(item.text)}</text>`,
    );
  });
  parts.push(`</svg>`);
  return parts.join("");
}

function hintTable(hints: readonly HintStats[]): string {
  const most = Math.max(1, ...hints.map((h) => h.count));
  const rows = hints.map((h) => {
    const w = (h.count / most) * 130;
    const bar = `<svg class="chart" width="180" height="18" viewBox="0 0 180 18" xmlns="http://www.w3.org/2000/svg"><rect class="hint" x="0" y="2" width="${r(w)}" height="14"/><text x="${r(w + 6)}" y="14">${h.count}</text></svg>`;
    return `<tr><td class="count">${bar}</td><td>${esc(h.text)}<div class="where">${esc(h.where.join(" · "))}</div></td></tr>`;
  });
  return `<table id="hints"><tr><th>times given</th><th>hint</th></tr>${rows.join("")}</table>`;
}

function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function shorten(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}
