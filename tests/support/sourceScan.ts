/**
 * The runner's source scan (graders/boot/sourceScan.py) run on texts, for tests of what it finds:
 * the real Python parser, through the same contract the runner's "scan" event is read with.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { findPython } from "../../graders/boot/python.js";
import { packageFile } from "../../graders/paths.js";
import { scanFrom } from "../../graders/boot/sourceFindings.js";
import type { SourceScan } from "../../graders/verdict/types.js";
import { tempApp } from "./tempApps.js";

/** What the scan reports for each folder's entry (`app.py` unless given), as JSON. */
export function rawScans(dirs: readonly string[], entry = "app.py"): Record<string, unknown>[] {
  const out = execFileSync(findPython(), [packageFile("graders/boot/sourceScan.py"), ...dirs.map((d) => join(d, entry))], { encoding: "utf8" });
  return out.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The scan of one app.py, read as the grader reads the runner's event. */
export function scanOf(text: string): SourceScan {
  const scan = scanFrom([{ event: "scan", ...rawScans([tempApp({ "app.py": text })])[0] }]);
  if (!scan) throw new Error("the scan reported nothing readable");
  return scan;
}
