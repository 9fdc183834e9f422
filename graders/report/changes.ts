/**
 * What changed between two gradings of the same submissions (`--watch`): the checks whose status
 * changed, in words ("first-visit now passes"), and the score. Pure: results in, lines out.
 */
import type { CheckStatus, Result } from "../verdict/types.js";
import * as words from "../words/report.js";

/** More lines than this and the change list would push the report off the screen. */
const MAX_LINES = 12;

const NOW: Record<CheckStatus, string> = words.NOW_WORDS;

/** The lines that say what changed from `before` to `after`; one line when nothing did. */
export function describeChanges(before: readonly Result[], after: readonly Result[]): string[] {
  const several = new Set(after.map((r) => r.exercise)).size > 1;
  const earlier = new Map(before.map((r) => [key(r), r]));
  const lines: string[] = [];
  let scoreBefore = 0;
  let scoreAfter = 0;
  let maxScore = 0;
  for (const result of after) {
    const previous = earlier.get(key(result));
    scoreAfter += result.score;
    maxScore += result.maxScore;
    scoreBefore += previous?.score ?? 0;
    const was = new Map((previous?.checks ?? []).map((v) => [v.id, v.status]));
    for (const verdict of result.checks) {
      const status = was.get(verdict.id);
      if (status === verdict.status) continue;
      const what = status === undefined ? words.isNewAnd(verdict.status === "pass" ? words.PASSES : NOW[verdict.status].replace(/^now /, "")) : NOW[verdict.status];
      lines.push(`${several ? `${result.exercise} › ` : ""}${verdict.id} ${what}${verdict.advisory ? words.ADVISORY_MARK : ""}`);
    }
  }
  if (lines.length === 0) return [words.NO_CHANGE];
  const shown = lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES - 1), words.andMoreLines(lines.length - MAX_LINES + 1)] : lines;
  const score = scoreBefore === scoreAfter ? words.scoreStill(scoreAfter, maxScore) : words.scoreChanged(scoreBefore, scoreAfter, maxScore);
  return [words.sinceLastRun(score), ...shown.map((line) => `  ${line}`)];
}

function key(result: Result): string {
  return `${result.exercise}\u0000${result.submission}`;
}
