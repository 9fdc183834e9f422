#!/usr/bin/env node
/**
 * `npm run bench`: how fast is grading, as ratios against baselines measured in the same run.
 *
 * Case "cold CLI": grade the visit-counter solution with a fresh `autograde` process, N times,
 * against the floor `python -c "import flask"` (same interpreter, interleaved so that machine
 * load affects both alike). Target: ratio <= 1.5. Then a few runs with AUTOGRADER_TIMING=1 say
 * where the time goes (medians of each phase, and the CPU time of the grader's own process).
 *
 * Case "class": a class of 200 submissions of visit-counter (copies of the solution and of every
 * known-wrong fixture, generated into a temporary folder) graded by `npm run batch` with
 * --jobs = cores. Reports submissions per second, the time per submission against the same cold
 * floor, and the speed-up over grading the class with one cold CLI process per submission (run
 * `cores` at a time, like the batch). That cold baseline is measured on a subset and extrapolated
 * (it is linear in the number of submissions); the output says so. Target: 200 in <= 30 s on 2 cores.
 *
 * Case "verify": `npm run verify -- <exercise>` (default visit-counter) on its mutants, --jobs =
 * cores, a few runs interleaved with the cold floor and with the same run without mutants (what
 * a run pays once). Reports the wall time, the time per mutant against the floor, and what ~50
 * mutants would take at that rate. Target: ~50 mutants in <= 10 s
 * on 2 cores.
 *
 * Case "watch": from save to verdict in `autograde FOLDER --watch` (scripts/benchWatch.ts).
 *
 *   npm run bench [-- --case cli|class|verify|watch|all] [--runs 15] [--students 200] [--subset 24] [--verify visit-counter]
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync, copyFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { findPython } from "../graders/boot/python.js";
import { packageFile } from "../graders/paths.js";
import { cliPhases } from "./benchCli.js";
import { watchCase } from "./benchWatch.js";

const { values } = parseArgs({
  options: {
    case: { type: "string", default: "all" },
    runs: { type: "string", default: "15" },
    students: { type: "string", default: "200" },
    subset: { type: "string", default: "24" },
    verify: { type: "string", default: "visit-counter" },
  },
});
const runs = Math.max(3, Number(values.runs));
const run = promisify(execFile);

function timeMs(command: string, args: string[]): number {
  const start = process.hrtime.bigint();
  execFileSync(command, args, { stdio: ["ignore", "pipe", "pipe"], cwd: packageFile(".") });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The cold floor: a fresh interpreter that imports Flask and exits. */
function floorMs(python: string, n: number): number {
  timeMs(python, ["-c", "import flask"]); // warm the file cache
  return median(Array.from({ length: n }, () => timeMs(python, ["-c", "import flask"])));
}

function coldCli(): void {
  const python = findPython();
  const cli = [packageFile("dist/scripts/grade.js"), packageFile("solutions/visit-counter"), "--format", "json"];
  const out = JSON.parse(execFileSync(process.execPath, cli, { encoding: "utf8" })) as { score: number; maxScore: number };
  if (out.score !== out.maxScore) throw new Error(`the reference solution scored ${out.score}/${out.maxScore}: fix that before benchmarking`);
  timeMs(python, ["-c", "import flask"]); // warm the file cache for both
  const floor: number[] = [];
  const grade: number[] = [];
  for (let i = 0; i < runs; i++) {
    floor.push(timeMs(python, ["-c", "import flask"]));
    grade.push(timeMs(process.execPath, cli));
  }
  const ratio = median(grade) / median(floor);
  console.log(`cold CLI, visit-counter solution, ${runs} runs each (interleaved):`);
  console.log(`  python -c "import flask"   median ${median(floor).toFixed(0)} ms  (${python})`);
  console.log(`  autograde (one exercise)   median ${median(grade).toFixed(0)} ms`);
  console.log(`  ratio ${ratio.toFixed(2)}  (target <= 1.5: ${ratio <= 1.5 ? "met" : "NOT met"})`);
  cliPhases(cli, Math.min(runs, 7));
}

/** `n` student folders: every other one the solution, the rest the fixtures in turn. */
function makeClass(dir: string, n: number): Map<string, boolean> {
  const fixtures = packageFile("tests/fixtures/visit-counter");
  const wrong = readdirSync(fixtures).sort().map((name) => join(fixtures, name));
  const correct = new Map<string, boolean>();
  for (let i = 0; i < n; i++) {
    const student = `student-${String(i + 1).padStart(3, "0")}`;
    const from = i % 2 === 0 ? packageFile("solutions/visit-counter") : wrong[Math.floor(i / 2) % wrong.length]!;
    mkdirSync(join(dir, student), { recursive: true });
    for (const name of readdirSync(from)) if (name.endsWith(".py")) copyFileSync(join(from, name), join(dir, student, name));
    correct.set(student, i % 2 === 0);
  }
  return correct;
}

/** Runs `count` commands, `jobs` at a time; returns the wall time in ms. */
async function pool(count: number, jobs: number, task: (i: number) => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  let next = 0;
  await Promise.all(Array.from({ length: jobs }, async () => {
    while (next < count) await task(next++);
  }));
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function classCase(): Promise<void> {
  const python = findPython();
  const n = Math.max(2, Number(values.students));
  const subset = Math.min(n, Math.max(2, Number(values.subset)));
  const jobs = availableParallelism();
  const work = mkdtempSync(join(tmpdir(), "autograde-bench-"));
  try {
    const cls = join(work, "class");
    const correct = makeClass(cls, n);
    const students = [...correct.keys()];
    const batch = (out: string, ...more: string[]) =>
      run(process.execPath, [packageFile("dist/scripts/batch.js"), cls, "--out", out, "--exercise", "visit-counter", "--jobs", String(jobs), ...more], { cwd: packageFile(".") });

    const floorBefore = floorMs(python, 7);

    // The batch, warm (the default).
    const out = join(work, "report");
    const start = process.hrtime.bigint();
    await batch(out);
    const batchMs = Number(process.hrtime.bigint() - start) / 1e6;
    checkGradebook(join(out, "gradebook.csv"), correct);

    // The same class, one cold CLI process per submission, `jobs` at a time, on a subset.
    const cli = packageFile("dist/scripts/grade.js");
    const cliMs = await pool(subset, jobs, (i) =>
      run(process.execPath, [cli, join(cls, students[i]!), "--exercise", "visit-counter", "--format", "json"], { cwd: packageFile(".") }),
    );
    const cliAllMs = (cliMs * n) / subset;

    // The batch with cold boots (a fresh Python per app), on a class of the subset's size.
    const small = join(work, "small");
    for (const s of students.slice(0, subset)) {
      mkdirSync(join(small, s), { recursive: true });
      for (const f of readdirSync(join(cls, s))) copyFileSync(join(cls, s, f), join(small, s, f));
    }
    const coldStart = process.hrtime.bigint();
    await run(process.execPath, [packageFile("dist/scripts/batch.js"), small, "--out", join(work, "cold-report"), "--exercise", "visit-counter", "--jobs", String(jobs), "--cold"], { cwd: packageFile(".") });
    const coldBatchMs = Number(process.hrtime.bigint() - coldStart) / 1e6;

    const floor = (floorBefore + floorMs(python, 7)) / 2;
    const perSubmission = batchMs / n; // wall time per submission, `jobs` graded at a time
    const perJob = (batchMs * jobs) / n; // what one submission costs one of the `jobs` slots
    console.log(`\nclass: ${n} submissions of visit-counter (${[...correct.values()].filter(Boolean).length} correct copies, the rest wrong), --jobs ${jobs} (cores):`);
    console.log(`  python -c "import flask"            median ${floor.toFixed(0)} ms  (the cold floor, this run)`);
    console.log(`  npm run batch (warm zygote)          ${(batchMs / 1000).toFixed(1)} s  = ${((n * 1000) / batchMs).toFixed(1)} submissions/s  (target <= 30 s: ${batchMs <= 30_000 ? "met" : "NOT met"})`);
    console.log(`    per submission: ${perSubmission.toFixed(0)} ms of wall time = ${(perSubmission / floor).toFixed(2)} x the floor; ${perJob.toFixed(0)} ms per job slot = ${(perJob / floor).toFixed(2)} x the floor`);
    console.log(`  one cold CLI per submission          ${(cliAllMs / 1000).toFixed(1)} s for ${n}  (measured on ${subset}, ${jobs} at a time: ${(cliMs / 1000).toFixed(1)} s, extrapolated)`);
    console.log(`  npm run batch --cold                 ${((coldBatchMs * n) / subset / 1000).toFixed(1)} s for ${n}  (measured on ${subset}: ${(coldBatchMs / 1000).toFixed(1)} s, extrapolated)`);
    console.log(`  speed-up of the batch over one cold CLI per submission: ${(cliAllMs / batchMs).toFixed(1)}x`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The bench is only worth its numbers if the grades are right. */
function checkGradebook(file: string, correct: Map<string, boolean>): void {
  const [header, ...rows] = readFileSync(file, "utf8").trimEnd().split("\r\n").map((l) => l.split(","));
  const col = (name: string) => header!.indexOf(name);
  if (rows.length !== correct.size) throw new Error(`the gradebook has ${rows.length} rows for ${correct.size} students`);
  for (const row of rows) {
    if (row[col("status")] !== "graded" || (correct.get(row[0]!) && row[col("percent")] !== "100.0")) {
      throw new Error(`unexpected grade for ${row[0]}: ${row.join(",")}`);
    }
  }
  // Some fixtures only fail advisory checks (no points): most wrong copies lose points.
  const wrongLost = rows.filter((r) => !correct.get(r[0]!) && r[col("percent")] !== "100.0").length;
  if (wrongLost < rows.filter((r) => !correct.get(r[0]!)).length / 2) throw new Error(`only ${wrongLost} wrong copies lost points`);
}

/** `npm run verify` on a bundled spec: the mutants graded `cores` at a time, against the cold floor. */
function verifyCase(): void {
  const python = findPython();
  const exercise = values.verify!;
  const jobs = availableParallelism();
  const cli = [packageFile("dist/scripts/verify.js"), exercise, "--format", "json", "--jobs", String(jobs)];
  const verifyOnce = (more: string[] = []): { ms: number; mutants: number } => {
    const start = process.hrtime.bigint();
    let out: string;
    try {
      out = execFileSync(process.execPath, [...cli, ...more], { encoding: "utf8", cwd: packageFile("."), stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      // Exit status 1 is "the spec has holes": still a full run, with its report on stdout.
      out = (error as { stdout?: string }).stdout ?? "";
      if (!out) throw error;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const report = JSON.parse(out) as { counts: { total: number } };
    return { ms, mutants: report.counts.total };
  };
  verifyOnce(); // warm the file cache
  timeMs(python, ["-c", "import flask"]);
  const n = Math.max(3, Math.min(runs, 5));
  const floor: number[] = [];
  const wall: number[] = [];
  const fixed: number[] = [];
  let mutants = 0;
  for (let i = 0; i < n; i++) {
    floor.push(timeMs(python, ["-c", "import flask"]));
    const one = verifyOnce();
    wall.push(one.ms);
    mutants = one.mutants;
    // The same run without mutants (an --only that matches none): what every run pays once.
    fixed.push(verifyOnce(["--only", "(no mutant)"]).ms);
  }
  const ms = median(wall);
  const base = median(fixed);
  const perMutant = Math.max(0, ms - base) / mutants;
  const perJob = perMutant * jobs;
  const fifty = (base + perMutant * 50) / 1000;
  console.log(`\nverify ${exercise}: ${mutants} mutants and the solution, --jobs ${jobs} (cores), ${n} runs each (interleaved):`);
  console.log(`  python -c "import flask"   median ${median(floor).toFixed(0)} ms  (the cold floor, this run)`);
  console.log(`  npm run verify             median ${(ms / 1000).toFixed(1)} s;  without mutants (zygote, mutate.py, the solution) ${(base / 1000).toFixed(1)} s`);
  console.log(`    per mutant: ${perMutant.toFixed(0)} ms of wall time = ${(perMutant / median(floor)).toFixed(2)} x the floor; ${perJob.toFixed(0)} ms per job slot = ${(perJob / median(floor)).toFixed(2)} x the floor`);
  console.log(`    ~50 mutants at this rate: ${fifty.toFixed(1)} s  (target <= 10 s: ${fifty <= 10 ? "met" : "NOT met"})`);
}

if (values.case === "cli" || values.case === "all") coldCli();
if (values.case === "class" || values.case === "all") await classCase();
if (values.case === "verify" || values.case === "all") verifyCase();
if (values.case === "watch" || values.case === "all") {
  const python = findPython();
  await watchCase(runs, () => timeMs(python, ["-c", "import flask"]));
}
