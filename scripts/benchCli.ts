/**
 * `npm run bench`, case cli: where a cold CLI run's time goes, from its timing trace
 * (AUTOGRADER_TIMING=1, graders/timing.ts).
 */
import { spawnSync } from "node:child_process";
import { packageFile } from "../graders/paths.js";

/** The phases of a CLI run, from its timing trace (graders/timing.ts): medians over a few runs. */
export function cliPhases(cli: string[], runs: number): void {
  const traces: Map<string, { at: number; cpu: number }>[] = [];
  for (let i = 0; i < runs; i++) {
    const { stderr } = spawnSync(process.execPath, cli, { encoding: "utf8", cwd: packageFile("."), env: { ...process.env, AUTOGRADER_TIMING: "1" } });
    const marks = new Map<string, { at: number; cpu: number }>();
    for (const line of stderr.split("\n")) {
      const m = /^autograde: timing: +([\d.]+) ms \(cpu +(\d+) ms\)  (.*)$/.exec(line);
      if (m) marks.set(m[3]!.startsWith("check ") ? "last check" : m[3]!, { at: Number(m[1]), cpu: Number(m[2]) });
    }
    traces.push(marks);
  }
  const at = (name: string) => median(traces.map((t) => t.get(name)?.at ?? NaN));
  const phases: [string, string, string][] = [
    ["Node's start, until the zygote is spawned", "", "zygote spawned"],
    ["the zygote imports Flask and warms up", "zygote spawned", "zygote ready"],
    ["  meanwhile: Node loads the command, the specs and the pipeline", "zygote spawned", "booting"],
    ["first app: fork, sandbox, student's import", "zygote ready", "app ready"],
    ["the checks (a restart included)", "app ready", "last check"],
    ["stop, report, exit", "last check", "exit"],
  ];
  console.log(`  where the time goes (AUTOGRADER_TIMING=1, medians of ${traces.length} runs):`);
  for (const [words, from, to] of phases) console.log(`    ${words.padEnd(64)} ${(at(to) - (from ? at(from) : 0)).toFixed(0).padStart(5)} ms`);
  console.log(`    the grader's own CPU time (Node)${"".padEnd(32)} ${median(traces.map((t) => t.get("exit")?.cpu ?? NaN)).toFixed(0).padStart(5)} ms`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
