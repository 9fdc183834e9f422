/**
 * What GitHub Classroom's grading reporter prints for our runner result, computed as its own code
 * computes it: classroom-resources/autograding-grading-reporter at commit 43c2d9f (the
 * `@v1` our workflow uses), read from its published source:
 * - src/notify-classroom.js: the notice "Points X/Y" (what the classroom records): X is the sum
 *   of `tests[].score`, Y the sum of `max_score`, over runners whose `max_score` is not 0;
 * - src/helpers/test-helpers.js `getTestScore`: per runner (tests passed ÷ tests) × max_score,
 *   printed by src/console-results.js as "Total points for <runner>: <score.toFixed(2)>/<max>"
 *   and summed in the table of src/aggregate-results.js;
 * - src/console-results.js: "Grand total tests passed: P/T", counting status "pass".
 * Our own restatement of those formulas (no code copied), for one runner.
 */
import type { ClassroomReport } from "../../graders/report/classroom.js";

export interface ReporterFigures {
  /** The notice, absent when max_score is 0 (the reporter then records nothing). */
  notice?: { totalPoints: number; maxPoints: number };
  /** (tests passed ÷ tests) × max_score: the per-runner line and the table. */
  countBased: number;
  /** The line as printed, absent when max_score is 0 (the reporter skips it then). */
  runnerLine?: string;
  testsPassed: number;
  tests: number;
}

export function reporterFigures(report: ClassroomReport, runner = "autograde"): ReporterFigures {
  const maxScore = report.max_score || 0;
  const passed = report.tests.filter((t) => t.status === "pass").length;
  const countBased = (passed / report.tests.length) * maxScore;
  return {
    ...(report.max_score ? { notice: { totalPoints: report.tests.reduce((sum, t) => sum + t.score, 0), maxPoints: report.max_score } } : {}),
    countBased,
    ...(maxScore !== 0 ? { runnerLine: `Total points for ${runner}: ${countBased.toFixed(2)}/${maxScore}` } : {}),
    testsPassed: passed,
    tests: report.tests.length,
  };
}
