/** Picks a reporter by format name: the only place that knows every format. */
import { createClassroomReporter } from "./classroom.js";
import { createGithubReporter } from "./github.js";
import { createGradescopeReporter } from "./gradescope.js";
import { createJsonReporter } from "./json.js";
import { createJunitReporter } from "./junit.js";
import { createPrettyReporter } from "./pretty.js";
import type { Format, Reporter, ReporterOptions } from "./reporter.js";
import { createSummaryReporter } from "./summary.js";
import { createTraceReporter } from "./trace.js";

export function createReporter(format: Format, options: ReporterOptions): Reporter {
  switch (format) {
    case "pretty":
      return createPrettyReporter(options);
    case "json":
      return createJsonReporter(options);
    case "classroom":
      return createClassroomReporter(options);
    case "gradescope":
      return createGradescopeReporter(options);
    case "junit":
      return createJunitReporter(options);
    case "junit-located":
      return createJunitReporter(options, { located: true });
    case "github":
      return createGithubReporter(options);
    case "summary":
      return createSummaryReporter(options);
    case "trace":
      return createTraceReporter(options);
  }
}

/** Several reporters as one: each gets every call, in order. */
export function fanOut(reporters: readonly Reporter[]): Reporter {
  return {
    onBegin: (run) => reporters.forEach((r) => r.onBegin?.(run)),
    onResult: (result) => reporters.forEach((r) => r.onResult(result)),
    onEnd: (summary) => reporters.forEach((r) => r.onEnd(summary)),
  };
}
