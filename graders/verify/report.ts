/**
 * Verify's output formats, in the project's reporter style (reporter.ts): the same options
 * (`write`, `color`), `onEnd` with everything. Only render.
 *
 * - pretty: what a spec's author reads: the score, then what needs their attention first
 *   (survivors with their diffs, double penalties), then what each check catches.
 * - json: one document, the VerifyReport as it is; deterministic (no timings, no temporary paths).
 */
import { palette, type Palette } from "../report/colors.js";
import type { ReporterOptions } from "../report/reporter.js";
import type { VerifyReport } from "./analyse.js";

export const VERIFY_FORMATS = ["pretty", "json"] as const;
export type VerifyFormat = (typeof VERIFY_FORMATS)[number];

export interface VerifyReporter {
  onEnd(report: VerifyReport): void;
}

export function createVerifyReporter(format: VerifyFormat, options: ReporterOptions): VerifyReporter {
  if (format === "json") return { onEnd: (report) => options.write(`${JSON.stringify(report, null, 2)}\n`) };
  return { onEnd: (report) => options.write(renderVerify(report, options)) };
}

/** Control characters (terminal escapes) shown as U+FFFD: a solution's text must not drive the terminal. */
function plain(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "\ufffd");
}

export function renderVerify(report: VerifyReport, options: { color?: boolean } = {}): string {
  const c = palette(options.color ?? false);
  const { counts, score } = report;
  const out: string[] = [];
  out.push(`${c.bold(`verify ${report.exercise}`)} — ${plain(report.title)}  ${c.dim(`(spec ${report.spec}, solution ${report.solution})`)}`);
  out.push(`  The solution gets full marks. ${counts.total} mutant${counts.total === 1 ? "" : "s"} of ${report.file}, each with one mistake:`);
  out.push(
    `  ${counts.caught} caught (lose points), ${counts.warned} warned (full marks, an advisory check fails), ` +
      `${counts.survived} survived (full marks); not counted: ${counts.equivalent} equivalent, ${counts["does-not-start"]} do not start` +
      (counts.error ? `, ${counts.error} could not be graded` : ""),
  );
  const pct = `${score.percent}%`;
  out.push(`  ${c.bold("Mutation score:")} ${(score.detected === score.counted ? c.green : c.red)(`${score.detected}/${score.counted} = ${pct}`)}`);

  const survivors = report.mutants.filter((m) => m.status === "survived");
  if (survivors.length) {
    out.push("", c.bold(c.red("Survived: your spec gives full marks to this broken app")));
    for (const m of survivors) {
      out.push(`  ${c.red("✗")} ${m.id}: ${plain(m.says)}`);
      out.push(
        m.shouldCatch?.length
          ? `      should have been caught by (they visit the changed code and passed): ${m.shouldCatch.map((r) => r.id).join(", ")}`
          : "      no check visits the changed code: add one that does",
      );
      out.push(...indentDiff(m.diff, c));
    }
  }

  const doubles = report.mutants.filter((m) => m.doublePenalty);
  if (doubles.length) {
    out.push("", c.bold("Double penalties: one mistake loses points in more than one check"));
    for (const m of doubles) {
      const list = m.doublePenalty!.checks.map((r) => r.id).join(", ");
      const explained = m.doublePenalty!.explained;
      out.push(`  ${explained ? c.dim("·") : c.yellow("⚠")} ${m.id}: ${list}${explained ? c.dim(`  (explained: ${plain(explained)})`) : ""}`);
      if (!explained) out.push(`      ${plain(m.says)}`);
    }
  }

  const errors = report.mutants.filter((m) => m.status === "error");
  if (errors.length) {
    out.push("", c.bold(c.red("Could not be graded (the grader's fault, not counted)")));
    for (const m of errors) out.push(`  ! ${m.id}: ${plain(m.reason ?? "")}`);
  }

  const wrongMarks = report.mutants.filter((m) => m.caughtAnyway);
  if (wrongMarks.length || report.staleMarks.length) {
    out.push("", c.bold(c.yellow(`Marks to update in ${report.marksFile}`)));
    for (const m of wrongMarks) out.push(`  ⚠ ${m.id} is marked equivalent, yet ${m.failed.map((f) => f.id).join(", ")} fails on it: it is not equivalent`);
    for (const id of report.staleMarks) out.push(`  ⚠ ${plain(id)} names no mutant of the solution any more`);
  }

  out.push("", c.bold("What each check catches"));
  const width = Math.max(0, ...report.checks.map((ch) => ch.id.length));
  for (const ch of report.checks) {
    const kind = ch.advisory ? "advisory" : `${ch.points} pt${ch.points === 1 ? "" : "s"}`;
    out.push(`  ${ch.id.padEnd(width)}  ${c.dim(kind.padEnd(8))}  ${ch.catches.length ? ch.catches.join(", ") : c.dim("(none)")}`);
  }

  const caught = report.mutants.filter((m) => m.status === "caught" || m.status === "warned");
  if (caught.length) {
    out.push("", c.bold("Caught"));
    for (const m of caught) {
      const mark = m.status === "warned" ? c.yellow("⚠") : c.green("✓");
      const how = m.status === "warned" ? "full marks, warned by" : `${m.score}/${m.maxScore}, fails`;
      out.push(`  ${mark} ${m.id}  ${c.dim(`${how} ${m.failed.map((f) => f.id).join(", ")}`)}`);
    }
  }
  const notCounted = report.mutants.filter((m) => m.status === "equivalent" || m.status === "does-not-start");
  if (notCounted.length) {
    out.push("", c.bold("Not counted"));
    for (const m of notCounted) out.push(`  ${c.dim("–")} ${m.id}  ${c.dim(`${m.status === "equivalent" ? "equivalent" : "does not start"}: ${plain(firstLine(m.reason ?? ""))}`)}`);
  }
  out.push("", report.ok ? c.green("The spec catches every counted mutant, with no unexplained double penalty.") : c.red(verdictLine(report)));
  return out.join("\n") + "\n";
}

function verdictLine(report: VerifyReport): string {
  const parts: string[] = [];
  if (report.counts.survived) parts.push(`${report.counts.survived} mutant${report.counts.survived === 1 ? "" : "s"} survived`);
  if (report.unexplainedDoublePenalties) parts.push(`${report.unexplainedDoublePenalties} unexplained double penalt${report.unexplainedDoublePenalties === 1 ? "y" : "ies"}`);
  if (report.counts.error) parts.push(`${report.counts.error} could not be graded`);
  if (report.mutants.some((m) => m.caughtAnyway)) parts.push("a mutant marked equivalent is caught");
  return `Not yet: ${parts.join(", ")}.`;
}

function indentDiff(diff: string, c: Palette): string[] {
  return diff
    .trimEnd()
    .split("\n")
    .map((line) => {
      const shown = `      ${plain(line)}`;
      if (line.startsWith("+") && !line.startsWith("+++")) return c.green(shown);
      if (line.startsWith("-") && !line.startsWith("---")) return c.red(shown);
      return c.dim(shown);
    });
}

function firstLine(text: string): string {
  return text.split("\n")[0]!;
}
