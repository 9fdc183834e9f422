#!/usr/bin/env node
/**
 * `npm run bench`: how fast is grading, as ratios against baselines measured in the same run.
 *
 * Case "cold CLI": grade the visit-counter solution with a fresh `autograde` process, N times,
 * against the floor `python -c "import flask"` (same interpreter, interleaved so that machine
 * load affects both alike). Target: ratio <= 1.5. Then a few runs with AUTOGRADER_TIMING=1 say
 * where the time goes (medians of each phase, and the CPU time of the grader's own process). With
 * NODE_EXTRA_CA_CERTS set, Node's start and the CLI are also timed without it (scripts/benchCli.ts).
 *
 * Case "class": a class of 200 submissions of visit-counter (copies of the solution and of every
 * known-wrong fixture, generated into a temporary folder) graded by `npm run batch` as users run
 * it (its default --jobs, isolation as this machine allows), three times, each after a floor of
 * its own; the median run is reported, each run's ratio listed. Reports submissions per second, the
 * time per submission against the same cold floor (target: 200 in <= 8 s on 2 cores, <= 0.15x the
 * floor per submission), the grades, and what bounds it: CPU time of the grader's Node, of the
 * zygote and of the apps, time spent copying submissions, forking and isolating apps (the batch's
 * cost meter, graders/costMeter.ts; the batch runs under scripts/benchReaper.py so that the apps'
 * orphans are counted), and the whole machine's counters over the run (CPU by state, tasks
 * created, page faults, context switches: scripts/benchMachine.ts). Then the speed-up over one cold CLI process per submission
 * (`cores` at a time) and over `--cold`, both measured on a subset and extrapolated (the output
 * says so), and the same class mix at other sizes (--scale): how the time grows, and what that
 * gives per hour and for a sharded course (computed from the fit, and said so).
 *
 * Case "verify": `npm run verify -- <exercise>` (default visit-counter) on its mutants, --jobs =
 * cores, a few runs interleaved with the cold floor and with the same run without mutants (what
 * a run pays once). Reports the wall time, the time per mutant against the floor, and what ~50
 * mutants would take at that rate. Target: ~50 mutants in <= 10 s
 * on 2 cores.
 *
 * Case "watch": from save to verdict in `autograde FOLDER --watch` (scripts/benchWatch.ts).
 *
 *   npm run bench [-- --case cli|class|verify|watch|all] [--runs 15] [--students 200] [--subset 24] [--scale 50,200,800] [--verify visit-counter]
 */
import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { defaultJobs } from "../graders/batch/run.js";
import { findPython } from "../graders/boot/python.js";
import { processCpu } from "../graders/costMeter.js";
import { packageFile } from "../graders/paths.js";
import { coldCliCase } from "./benchCli.js";
import { background, countersSince, printMachine, readCounters, type MachineCounters } from "./benchMachine.js";
import { floorMs, median, timeMs } from "./benchTime.js";
import { watchCase } from "./benchWatch.js";

const { values } = parseArgs({
  options: {
    case: { type: "string", default: "all" },
    runs: { type: "string", default: "15" },
    students: { type: "string", default: "200" },
    subset: { type: "string", default: "24" },
    scale: { type: "string", default: "50,200,800" },
    verify: { type: "string", default: "visit-counter" },
  },
});
const runs = Math.max(3, Number(values.runs));
/** Runs of the class of `--students` (the median is reported). */
const CLASS_RUNS = 3;
const run = promisify(execFile);

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
  const cores = availableParallelism();
  const jobs = defaultJobs();
  const sizes = values.scale!.split(",").map(Number).filter((k) => k > 0 && k !== n);
  const work = mkdtempSync(join(tmpdir(), "autograde-bench-"));
  try {
    const cls = join(work, "class");
    const correct = makeClass(cls, n);
    const students = [...correct.keys()];
    // The machine without the batch, just before it: the other work its counters will include.
    const quiet = await background(2_000);
    // The batch as users run it (warm zygote, default --jobs, isolation as on this machine),
    // CLASS_RUNS times, each right after a floor of its own: this VM's speed moves by a fifth
    // from one minute to the next, so one run says little. The median run is reported.
    const rounds: { run: BatchRun; floor: number }[] = [];
    for (let r = 0; r < CLASS_RUNS; r++) {
      const floorNow = floorMs(python, 5);
      const one = await timedBatch(work, cls, `main-${r}`);
      checkGradebook(join(one.out, "gradebook.csv"), correct);
      rounds.push({ run: one, floor: floorNow });
    }
    rounds.sort((a, b) => a.run.ms - b.run.ms);
    const { run: main, floor: floorBefore } = rounds[Math.floor(rounds.length / 2)]!;
    const batchMs = main.ms;

    // The same class, one cold CLI process per submission, `cores` at a time, on a subset.
    const cli = packageFile("dist/scripts/grade.js");
    const cliMs = await pool(subset, cores, (i) =>
      run(process.execPath, [cli, join(cls, students[i]!), "--exercise", "visit-counter", "--format", "json"], { cwd: packageFile(".") }),
    );
    const cliAllMs = (cliMs * n) / subset;

    // The batch with cold boots (a fresh Python per app), on a class of the subset's size.
    const small = join(work, "small");
    makeClass(small, subset);
    const cold = await timedBatch(work, small, "cold", "--cold");

    // Scale: the same mix of submissions, other class sizes; a fresh floor between them.
    const scale: ScalePoint[] = [{ size: n, ms: batchMs, floor: floorBefore, cpuMs: main.treeCpuMs }];
    for (const size of sizes) {
      const dir = join(work, `scale-${size}`);
      const marks = makeClass(dir, size);
      const floorNow = floorMs(python, 3);
      const one = await timedBatch(work, dir, `scale-${size}`);
      checkGradebook(join(one.out, "gradebook.csv"), marks);
      scale.push({ size, ms: one.ms, floor: floorNow, cpuMs: one.treeCpuMs });
    }
    scale.sort((a, b) => a.size - b.size);

    const floor = (floorBefore + floorMs(python, 7)) / 2;
    const perSubmission = batchMs / n; // wall time per submission, `jobs` graded at a time
    console.log(`\nclass: ${n} submissions of visit-counter (${[...correct.values()].filter(Boolean).length} correct copies, the rest wrong), --jobs ${jobs} (the batch's default: twice the ${cores} cores):`);
    console.log(`  python -c "import flask"            median ${floor.toFixed(0)} ms  (the cold floor, this run; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")})`);
    console.log(`  npm run batch (warm zygote)          ${(batchMs / 1000).toFixed(1)} s  = ${((n * 1000) / batchMs).toFixed(1)} submissions/s, the median of ${rounds.length} runs (target <= 8 s: ${batchMs <= 8_000 ? "met" : "NOT met"})`);
    console.log(`    each run, against the floor just before it: ${rounds.map(({ run, floor: f }) => `${(run.ms / 1000).toFixed(1)} s (${(run.ms / n / f).toFixed(2)}x)`).join(", ")}`);
    console.log(`    per submission: ${perSubmission.toFixed(0)} ms of wall time = ${(perSubmission / floor).toFixed(2)} x the floor (target <= 0.15)`);
    console.log(`  one cold CLI per submission          ${(cliAllMs / 1000).toFixed(1)} s for ${n}  (measured on ${subset}, ${cores} at a time: ${(cliMs / 1000).toFixed(1)} s, extrapolated)`);
    console.log(`  npm run batch --cold                 ${((cold.ms * n) / subset / 1000).toFixed(1)} s for ${n}  (measured on ${subset}: ${(cold.ms / 1000).toFixed(1)} s, extrapolated)`);
    console.log(`  speed-up of the batch over one cold CLI per submission: ${(cliAllMs / batchMs).toFixed(1)}x`);
    printBounds(main, quiet, n, cores);
    if (scale.length > 1) printScale(scale, cores);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface BatchRun {
  out: string;
  ms: number;
  /**
   * CPU time of the batch and everything it started, ms: the bench's children times, with the
   * orphans reaped by scripts/benchReaper.py (when it could become their subreaper) included.
   */
  treeCpuMs: number;
  /** What the orphans (processes whose parents died before reaping them) used; undefined when not measured. */
  orphans?: Orphans;
  costs: { phases: Record<string, { ms: number; count: number }>; cpuMs: { grader: number; zygote?: number; apps?: number } };
  /** The whole machine's counters over the run (scripts/benchMachine.ts): everyone's work. */
  machine: MachineCounters;
}

/** scripts/benchReaper.py's account of the orphans it reaped. */
interface Orphans {
  processes: number;
  cpuMs: number;
  systemMs?: number;
  minorFaults: number;
  majorFaults: number;
}

/**
 * One `npm run batch` of `dir` with the cost meter on (graders/costMeter.ts): wall time, CPU time,
 * phases. It runs under scripts/benchReaper.py, which only reaps the orphans at once (init may do
 * it seconds later), so that their CPU reaches the bench's accounting, and times the batch itself
 * (its own start not included).
 */
async function timedBatch(work: string, dir: string, name: string, ...more: string[]): Promise<BatchRun> {
  const out = join(work, `report-${name}`);
  const costsFile = join(work, `costs-${name}.json`);
  const reaperFile = join(work, `reaper-${name}.json`);
  const before = processCpu("self")?.childrenMs ?? 0;
  const machineBefore = readCounters();
  await run(findPython(), ["-S", "-I", packageFile("scripts/benchReaper.py"), reaperFile, process.execPath, packageFile("dist/scripts/batch.js"), dir, "--out", out, "--exercise", "visit-counter", ...more], {
    cwd: packageFile("."),
    env: { ...process.env, AUTOGRADER_COSTS_FILE: costsFile },
  });
  const treeCpuMs = (processCpu("self")?.childrenMs ?? 0) - before;
  const machine = countersSince(machineBefore);
  const reaper = JSON.parse(readFileSync(reaperFile, "utf8")) as { commandMs: number; orphans: Orphans | null };
  return { out, ms: reaper.commandMs, treeCpuMs, orphans: reaper.orphans ?? undefined, machine, costs: JSON.parse(readFileSync(costsFile, "utf8")) as BatchRun["costs"] };
}

/** What bounds the class: CPU of the grader's Node, of the zygote, of the apps; copying; forking and isolating. */
function printBounds(batch: BatchRun, quiet: MachineCounters | undefined, n: number, cores: number): void {
  const per = (ms: number | undefined) => `${((ms ?? 0) / n).toFixed(1)} ms`;
  const { grader, zygote = 0, apps = 0 } = batch.costs.cpuMs;
  const total = batch.treeCpuMs;
  const python = Math.max(0, total - grader);
  const busy = total / (batch.ms * cores);
  const phase = (name: string) => batch.costs.phases[name] ?? { ms: 0, count: 0 };
  const share = (ms: number) => `${((100 * ms) / total).toFixed(0)}%`;
  const orphans = batch.orphans;
  const reaped = orphans ? "every process it started: the bench reaps the orphans itself" : "as far as its processes are reaped up to the batch: orphans not counted";
  console.log(`  what bounds it (CPU time per submission, from /proc and rusage: the kernel's accounting):`);
  const kernelPart = (systemMs: number | undefined, of: number) => (systemMs === undefined ? "" : `, ${((100 * systemMs) / Math.max(1, of)).toFixed(0)}% of it in the kernel`);
  console.log(`    the batch's processes ${per(total)} (${reaped}${kernelPart(batch.machine.reapedSystemMs, total)}) = ${per(total / cores)} per core; the cores were busy ${(100 * busy).toFixed(0)}% of the wall time with it`);
  console.log(`    the grader's Node ${per(grader)} (${share(grader)}), of which copying submissions ${per(phase("copy").ms)} and removing the copies ${per(phase("remove").ms)}`);
  const orphanMs = orphans?.cpuMs ?? 0;
  const perBoot = (count: number) => (count / Math.max(1, batch.costs.phases.boot?.count ?? 1)).toFixed(1);
  const appsWords = orphans
    ? `of it ${per(orphanMs)} in orphans${kernelPart(orphans.systemMs, orphanMs)}, ${perBoot(orphans.processes)} per app boot: killing an app's process group ends the parents before they reap their children, so init reaps those, late, unless the bench does`
    : "as the zygote reaps them: the runners and what they reaped; orphans not counted";
  console.log(
    `    Python ${per(python)} (${share(python)}): the apps ${per(apps + orphanMs)} (isolation, the student's code, Flask; ${appsWords}), ` +
      `the zygote itself ${per(zygote)} (forking), the rest ${per(Math.max(0, python - apps - orphanMs - zygote))} (not split: the batch's Node before its meter starts, the zygote after its reading)`,
  );
  const boots = phase("boot").count || 1;
  console.log(
    `    per app (${(boots / n).toFixed(2)} boots per submission), wall time: fork ${(phase("fork").ms / boots).toFixed(1)} ms, start and isolation ${(phase("isolate").ms / boots).toFixed(1)} ms, import to ready ${(phase("import").ms / boots).toFixed(1)} ms; a submission from its copy to its result: ${(phase("submission").ms / n).toFixed(0)} ms`,
  );
  printMachine(batch.machine, quiet, n, boots, total, orphans !== undefined);
  const cpu = batch.machine.cpu;
  const all = cpu ? cpu.user + cpu.system + cpu.idle + cpu.iowait : 0;
  const machineBusy = cpu && all > 0 ? (cpu.user + cpu.system) / all : busy;
  const kernelShare = cpu && all > 0 ? `, ${((100 * cpu.system) / Math.max(1, cpu.user + cpu.system)).toFixed(0)}% of that in the kernel (system calls, page faults, forks and exits: the counts above)` : "";
  console.log(
    `    ${machineBusy >= 0.85 ? `CPU-bound: the cores were busy ${(100 * machineBusy).toFixed(0)}% of the run${kernelShare}` : `not CPU-bound: the cores were idle ${(100 * (1 - machineBusy)).toFixed(0)}% of the run (waits between steps)`}; of the CPU the batch's processes account for, the largest share: ${grader >= python ? "the grader's Node" : "Python (apps and zygote)"}`,
  );
}

/** One class size of the scale measurement: wall time, the floor just before, CPU time of the whole run. */
interface ScalePoint {
  size: number;
  ms: number;
  floor: number;
  cpuMs: number;
}

/**
 * Grading time against class size (should be linear), and what that means per hour and for a
 * sharded course. CPU time per submission is printed too: on a shared machine it says whether
 * the work per submission grows, when wall times move with the other load.
 */
function printScale(scale: ScalePoint[], cores: number): void {
  console.log(`  scale (same mix of submissions, default --jobs):`);
  for (const { size, ms, floor, cpuMs } of scale) {
    console.log(
      `    ${String(size).padStart(5)} submissions  ${(ms / 1000).toFixed(1).padStart(6)} s  ${(ms / size).toFixed(0)} ms per submission = ${(ms / size / floor).toFixed(2)} x the floor measured just before; CPU ${(cpuMs / size).toFixed(0)} ms per submission`,
    );
  }
  // Least squares: ms = fixed + perSubmission * size.
  const xs = scale.map((s) => s.size);
  const ys = scale.map((s) => s.ms);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const fixed = my - slope * mx;
  const first = scale[0]!;
  const last = scale[scale.length - 1]!;
  console.log(
    `    fit: ${(fixed / 1000).toFixed(1)} s once + ${slope.toFixed(0)} ms per submission; per submission at ${last.size} against ${first.size}: wall ${(last.ms / last.size / (first.ms / first.size)).toFixed(2)}x, CPU ${(last.cpuMs / last.size / (first.cpuMs / first.size)).toFixed(2)}x (1.00 is linear)`,
  );
  const floors = scale.map((p) => p.floor);
  if (fixed < 0 || Math.max(...floors) > 1.5 * Math.min(...floors)) {
    console.log(`    (the load changed between these runs, the floor from ${Math.min(...floors).toFixed(0)} to ${Math.max(...floors).toFixed(0)} ms: the wall times are not comparable, CPU per submission is)`);
  }
  const perHour = 3_600_000 / slope;
  console.log(`    computed from the fit: ${Math.round(perHour).toLocaleString("en")} submissions per hour on this machine (${cores} cores); 10,000 submissions: ${((fixed + slope * 10_000) / 60_000).toFixed(1)} min on one machine like it, ${((fixed + (slope * 10_000) / 4) / 60_000).toFixed(1)} min of grading per shard with --shard i/4`);
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

if (values.case === "cli" || values.case === "all") coldCliCase(runs);
if (values.case === "class" || values.case === "all") await classCase();
if (values.case === "verify" || values.case === "all") verifyCase();
if (values.case === "watch" || values.case === "all") {
  const python = findPython();
  await watchCase(runs, () => timeMs(python, ["-c", "import flask"]));
}
