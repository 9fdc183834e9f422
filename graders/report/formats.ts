/** Picks a reporter by format name: the only place that knows every format. */
import { createJsonReporter } from "./json.js";
import { createPrettyReporter } from "./pretty.js";
import type { Format, Reporter, ReporterOptions } from "./reporter.js";

export function createReporter(format: Format, options: ReporterOptions): Reporter {
  switch (format) {
    case "pretty":
      return createPrettyReporter(options);
    case "json":
      return createJsonReporter(options);
  }
}
