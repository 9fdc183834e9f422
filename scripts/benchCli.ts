/**
 * `npm run bench`, case cli: a cold CLI run against the floor, and where its time goes, from its
 * timing trace (AUTOGRADER_TIMING=1, graders/timing.ts).
 *
 * When NODE_EXTRA_CA_CERTS is set, Node 20 reads and parses that certificate bundle at every
 * start, before any of the grader's code runs (the grader makes no TLS connection, but cannot stop
 * Node from doing it; Node 22 and 24 read it only for a TLS connection): the case then also times
 * `node -e 0` and the CLI without the variable, in the same loop, so that the output says what
 * this machine's setting costs and what a machine without it (a GitHub runner, say) gets.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { findPython } from "../graders/boot/python.js";
import { packageFile } from "../graders/paths.js";
import { median, timeMs } from "./benchTime.js";

const CA_VARIABLE = "NODE_EXTRA_CA_CERTS";

/** The cold CLI case: `runs` gradings of the visit-counter solution, interleaved with the floor. */
export function coldCliCase(runs: number): void {
  const python = findPython();
  const cli = [packageFile("dist/scripts/grade.js"), packageFile("solutions/visit-counter"), "--format", "json"];
  const out = JSON.parse(execFileSync(process.execPath, cli, { encoding: "utf8" })) as { score: number; maxScore: number };
  if (out.score !== out.maxScore) throw new Error(`the reference solution scored ${out.score}/${out.maxScore}: fix that before benchmarking`);
  const caFile = process.env[CA_VARIABLE];
  const withoutCa: NodeJS.ProcessEnv = { ...process.env };
  delete withoutCa[CA_VARIABLE];
  timeMs(python, ["-c", "import flask"]); // warm the file cache for both
  const floor: number[] = [];
  const grade: number[] = [];
  const nodeWith: number[] = [];
  const nodeWithout: number[] = [];
  const gradeWithout: number[] = [];
  for (let i = 0; i < runs; i++) {
    floor.push(timeMs(python, ["-c", "import flask"]));
    grade.push(timeMs(process.execPath, cli));
    if (caFile === undefined) continue;
    nodeWith.push(timeMs(process.execPath, ["-e", "0"]));
    nodeWithout.push(timeMs(process.execPath, ["-e", "0"], withoutCa));
    gradeWithout.push(timeMs(process.execPath, cli, withoutCa));
  }
  const ratio = median(grade) / median(floor);
  console.log(`cold CLI, visit-counter solution, Node ${process.version} (the one running the bench), ${runs} runs each (interleaved):`);
  console.log(`  python -c "import flask"   median ${median(floor).toFixed(0)} ms  (${python})`);
  console.log(`  autograde (one exercise)   median ${median(grade).toFixed(0)} ms`);
  console.log(`  ratio ${ratio.toFixed(2)}  (target <= 1.5: ${ratio <= 1.5 ? "met" : "NOT met"})`);
  if (caFile === undefined) {
    console.log(`  ${CA_VARIABLE} is not set here: Node starts without reading an extra certificate bundle`);
  } else {
    const ratioWithout = median(gradeWithout) / median(floor);
    // Node 20 parses the bundle at every start; 22 and later only for a TLS connection (the grader makes none).
    const atStart = median(nodeWith) - median(nodeWithout) > 10;
    const when = atStart ? "this Node parses that bundle at every start, before the grader's code runs" : "this Node does not parse it at start (only for a TLS connection)";
    console.log(`  ${CA_VARIABLE}=${caFile} is set here: ${when} (same loop):`);
    console.log(`    node -e 0 (Node's start)   median ${median(nodeWith).toFixed(0)} ms as this machine runs it, ${median(nodeWithout).toFixed(0)} ms without the variable`);
    console.log(`    autograde without it       median ${median(gradeWithout).toFixed(0)} ms`);
    console.log(`    ratio as users of this machine run it ${ratio.toFixed(2)} (the target's); without the variable ${ratioWithout.toFixed(2)} (what a machine without it gets, a GitHub runner say)`);
  }
  cliPhases(cli, Math.min(runs, 7));
}

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
  console.log(`  where the time goes (AUTOGRADER_TIMING=1, environment as it is, medians of ${traces.length} runs):`);
  for (const [words, from, to] of phases) console.log(`    ${words.padEnd(64)} ${(at(to) - (from ? at(from) : 0)).toFixed(0).padStart(5)} ms`);
  console.log(`    the grader's own CPU time (Node)${"".padEnd(32)} ${median(traces.map((t) => t.get("exit")?.cpu ?? NaN)).toFixed(0).padStart(5)} ms`);
}
