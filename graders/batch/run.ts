/**
 * Grading a class: discover the student folders, keep this shard's, grade what is missing with
 * `jobs` submissions at a time, write each result the moment it is known, then build the report
 * folder's documents. Every submission has a time limit, so a hang costs only its own time.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { readFile } from "node:fs/promises";
import { UsageError } from "../errors.js";
import { addCost, costTotals, processCpu } from "../costMeter.js";
import { startDeadline } from "../deadline.js";
import type { BootOutcome, RunningApp } from "../boot/handshake.js";
import { defaultMode, type AppLimits, type IsolationMode } from "../boot/isolation.js";
import { launch } from "../boot/launch.js";
import { makeOwnedFolder } from "../boot/ownedFolders.js";
import { EMPTY_FOLDER } from "../boot/tempFolders.js";
import { findPython } from "../boot/python.js";
import { warmLauncher, type Launcher, type WarmLauncher } from "../boot/warm.js";
import { grade, type GradeOptions } from "../grade.js";
import { loadSpecWithHidden, type HiddenChecks } from "../spec/hidden.js";
import { specWarnings } from "../spec/warnings.js";
import type { Spec } from "../spec/types.js";
import { checkKnown, listExercises, specFile } from "../targets.js";
import { timeLimitNotSettled } from "../verdict/fault.js";
import { didNotWindDown, notGradedAtLimit, usedUpTimeLimit, USED_UP_TIME_LIMIT_HINT } from "../words/faults.js";
import type { Problem, Result, Verdict } from "../verdict/types.js";
import { discoverClass, type ClassPlan, type Submission } from "./discover.js";
import { buildRows, type StudentRow } from "./gradebook.js";
import { writeOutputs, writeStudentFiles } from "./outputs.js";
import { formatShard, inShard, type Shard } from "./shard.js";
import {
  fingerprint,
  graderVersion,
  readManifest,
  readRecords,
  recordKey,
  writeManifest,
  writeRecord,
  type GradingSettings,
  type Manifest,
  type SubmissionRecord,
} from "./store.js";

export const DEFAULT_TIME_LIMIT_SECONDS = 60;
/** After the time limit, how long grade() may take to wind down before it counts as a grader fault. */
const WIND_DOWN_MS = 10_000;

export interface BatchOptions {
  classDir: string;
  out: string;
  /** `--student-pattern`: reads the login from each student folder's name (see discover.ts loginsOf). */
  studentPattern?: RegExp;
  /** `--exercise` ids; empty: every exercise some student has a folder for. */
  exercises: string[];
  specsDir: string;
  jobs?: number;
  resume?: boolean;
  shard?: Shard;
  /** Per submission, from its first boot to its result. */
  timeLimitSeconds?: number;
  /** `warm` (default): fork from a zygote, cold as the fallback; `cold`: a fresh Python per app. */
  launcher?: "warm" | "cold";
  /** The warm launcher to use (one the command's entry started early, see scripts/batch.ts); a new one otherwise. Closed by the run. */
  warm?: WarmLauncher;
  python?: string;
  /** Isolation of each app and limits over the spec's, as for `autograde` (see GradeOptions). */
  isolation?: IsolationMode;
  limits?: Partial<AppLimits>;
  /** Checks added to the specs (AUTOGRADER_HIDDEN_SPECS), as for `autograde`. */
  hidden?: HiddenChecks;
  /** Told once what concerns the whole run (e.g. that apps run without isolation here). */
  onNote?: (message: string) => void;
  /** Told once per spec about each of its warnings (a check without a hint), "file:line:column: words". */
  onWarning?: (message: string) => void;
  reveal?: boolean;
  progress?: Progress;
}

/** Told about the run as it goes (a progress bar, log lines). */
export interface Progress {
  begin(info: { total: number; reused: number; jobs: number }): void;
  done(record: SubmissionRecord): void;
  end(): void;
}

export interface BatchSummary {
  manifest: Manifest;
  rows: StudentRow[];
  /** Submissions graded by this run. */
  graded: number;
  /** Submissions whose earlier result was kept (`--resume`). */
  reused: number;
  /** How many boots went warm and cold. */
  boots: { warm: number; cold: number; fallbackReason?: string };
}

/**
 * Submissions graded at a time: twice the cores. One submission alone leaves its core idle much
 * of the time (its requests go back and forth between this process and its app, an app is forked
 * and isolated in several steps): a second one per core fills those gaps (see the README's Benchmark).
 */
export function defaultJobs(): number {
  return Math.max(1, 2 * availableParallelism());
}

export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const out = resolve(options.out);
  const known = listExercises(options.specsDir);
  for (const id of options.exercises) checkKnown(id, known);
  const plan = discoverClass(options.classDir, known, options.exercises, options.studentPattern);
  if (plan.exercises.length === 0) {
    throw new UsageError(
      `No student folder in ${options.classDir} holds a folder named after an exercise (${known.join(", ")}). ` +
        "If each student folder holds one exercise's files, pass --exercise ID.",
    );
  }

  // The warm server starts now (importing Flask takes a while) and warms up while the specs load
  // and the submissions are fingerprinted.
  let python: string | undefined = options.python;
  try {
    python ??= findPython();
  } catch {
    // grade() reports it on every submission, as "could not grade"
  }
  const warm = options.launcher === "cold" ? undefined : (options.warm ?? warmLauncher());
  if (warm && python) void warm.prestart(python);
  const cpuAtStart = process.cpuUsage();
  try {
    return await gradeClass(options, out, plan, python, warm);
  } finally {
    await warm?.close();
    writeCosts(cpuAtStart);
  }
}

/** The zygote's CPU time and its apps' (children it reaped), read just before it is closed. */
let zygoteCpu: ReturnType<typeof processCpu>;

/**
 * For `npm run bench`: where the run's time went (costMeter.ts), with the CPU time of this process
 * (the grader's own), of the zygote and of the apps, into the file AUTOGRADER_COSTS_FILE names.
 */
function writeCosts(cpuAtStart: NodeJS.CpuUsage): void {
  const file = process.env.AUTOGRADER_COSTS_FILE;
  if (!file) return;
  const node = process.cpuUsage(cpuAtStart);
  const self = processCpu("self");
  const costs = {
    phases: costTotals(),
    cpuMs: {
      grader: (node.user + node.system) / 1000,
      zygote: zygoteCpu?.selfMs,
      apps: zygoteCpu?.childrenMs,
      // Cold boots and other children of this process (the zygote included once it is reaped).
      children: self?.childrenMs,
    },
  };
  writeFileSync(file, JSON.stringify(costs));
}

async function gradeClass(options: BatchOptions, out: string, plan: ClassPlan, python: string | undefined, warm: WarmLauncher | undefined): Promise<BatchSummary> {
  const specs = new Map<string, { spec: Spec; text: string }>();
  for (const id of plan.exercises) {
    const file = specFile(options.specsDir, id);
    // What decides the grades: the spec's text and the hidden checks added to it.
    const text = (await readFile(file, "utf8")) + JSON.stringify(options.hidden?.exercises.get(id) ?? null);
    const spec = await loadSpecWithHidden(file, options.hidden);
    specs.set(id, { spec, text });
    for (const warning of specWarnings(spec)) options.onWarning?.(warning);
  }
  const maxScores: Record<string, number> = {};
  for (const [id, { spec }] of specs) maxScores[id] = await maxScoreOf(spec);

  const students = inShard(plan.students, options.shard);
  const manifest: Manifest = {
    version: 1,
    class: options.classDir,
    exercises: plan.exercises,
    maxScores,
    shard: formatShard(options.shard),
    students: students.map((s) => ({
      student: s.student,
      ...(s.login !== undefined && { login: s.login }),
      submissions: s.submissions.map((sub) => ({ exercise: sub.exercise, path: sub.path })),
      ...(s.notSubmission !== undefined && { notSubmission: s.notSubmission }),
      missing: s.missing,
    })),
  };

  const previous = readManifest(out);
  if (previous && !options.resume) {
    throw new UsageError(`${options.out} already holds a batch report. Pass --resume to finish or update it, or choose another --out.`);
  }
  if (previous && options.resume) {
    if (previous.shard !== manifest.shard) {
      throw new UsageError(`${options.out} was graded with --shard ${previous.shard ?? "(none)"}; resume it with the same shard.`);
    }
    if (previous.exercises.join(",") !== manifest.exercises.join(",")) {
      throw new UsageError(`${options.out} grades ${previous.exercises.join(", ")}; resume it with the same exercises.`);
    }
  }
  writeManifest(out, manifest);

  const timeLimit = options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS;
  const settings: GradingSettings = { grader: graderVersion(), limits: options.limits ?? {}, isolation: options.isolation ?? defaultMode(), timeLimitSeconds: timeLimit };
  const earlier = options.resume ? readRecords(out) : new Map<string, SubmissionRecord>();
  const records = new Map<string, SubmissionRecord>();
  const todo: { sub: Submission; fingerprint: string }[] = [];
  for (const s of students) {
    for (const sub of s.submissions) {
      const fp = fingerprint(specs.get(sub.exercise)!.text, sub.dir, settings);
      const key = recordKey(sub.student, sub.exercise);
      const kept = earlier.get(key);
      // A grader fault is worth another try; a graded submission is never graded twice.
      if (kept && kept.fingerprint === fp && kept.path === sub.path && kept.result.status === "graded") records.set(key, kept);
      else todo.push({ sub, fingerprint: fp });
    }
  }

  const jobs = Math.max(1, options.jobs ?? defaultJobs());
  const reused = records.size;
  options.progress?.begin({ total: todo.length + reused, reused, jobs });

  // A student's own files (feedback, trace) as soon as their last submission is graded, while the
  // rest of the class runs: at the end, only the class's files are left to write.
  const written = new Set<string>();
  const byStudent = new Map(manifest.students.map((s) => [s.student, s]));
  const writeFilesOnceGraded = (student: string) => {
    const entry = byStudent.get(student)!;
    if (!entry.submissions.every((sub) => records.has(recordKey(student, sub.exercise)))) return;
    writeStudentFiles(out, buildRows({ ...manifest, students: [entry] }, records)[0]!, { reveal: options.reveal });
    written.add(student);
  };

  const stragglers = new Set<Promise<unknown>>();
  const gradeOptions: GradeOptions = { python, isolation: options.isolation, limits: options.limits, onNote: options.onNote, losses: warm?.losses };

  try {
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const { sub, fingerprint: fp } = todo[next++]!;
        const spec = specs.get(sub.exercise)!.spec;
        const result = await gradeWithLimit(spec, maxScores[sub.exercise]!, sub, warm?.launch ?? launch, timeLimit, gradeOptions, stragglers);
        const record: SubmissionRecord = { version: 1, student: sub.student, exercise: sub.exercise, path: sub.path, fingerprint: fp, result };
        writeRecord(out, record);
        records.set(recordKey(sub.student, sub.exercise), record);
        options.progress?.done(record);
        writeFilesOnceGraded(sub.student);
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, Math.max(1, todo.length)) }, worker));
  } finally {
    const zygote = warm?.current()?.pid;
    if (zygote !== undefined) zygoteCpu = processCpu(zygote);
    await warm?.close();
    await settleWithin([...stragglers], 15_000);
  }
  options.progress?.end();

  const rows = writeOutputs(out, manifest, records, { reveal: options.reveal }, written);
  return {
    manifest,
    rows,
    graded: todo.length,
    reused,
    boots: warm ? { ...warm.stats } : { warm: 0, cold: todo.length },
  };
}

/**
 * grade() with a time limit. When it passes, the submission's apps are stopped and no new one
 * starts, so grade() winds down at once. The limit is the grader's own, and a busy machine can
 * make it run out: the submission is graded once more, on fresh cold apps with a fresh limit, and
 * if that runs out too the result is an error ("could not grade"), never a zero for checks that
 * could not finish. If grade() does not even wind down, that is the grader's fault as well.
 *
 * Every other fault (a lost warm server, a check the machine stalled) is grade()'s to judge
 * (graders/verdict/fault.ts): it retries that one check on a fresh cold app.
 */
async function gradeWithLimit(
  spec: Spec,
  maxScore: number,
  sub: Submission,
  base: Launcher,
  seconds: number,
  options: GradeOptions,
  stragglers: Set<Promise<unknown>>,
): Promise<Result> {
  let attempt = await limited(spec, maxScore, sub, base, seconds, options, stragglers);
  if (attempt.expired) {
    const cold: Launcher = (launchOptions) => base({ ...launchOptions, cold: true });
    attempt = await limited(spec, maxScore, sub, cold, seconds, options, stragglers);
    if (attempt.expired) return { ...notFinished(attempt.result, seconds), submission: sub.path };
  }
  return { ...attempt.result, submission: sub.path };
}

/** One try at a submission within the time limit: its result, and whether the limit ran out. */
async function limited(
  spec: Spec,
  maxScore: number,
  sub: Submission,
  base: Launcher,
  seconds: number,
  options: GradeOptions,
  stragglers: Set<Promise<unknown>>,
): Promise<{ result: Result; expired: boolean }> {
  const apps = new Set<RunningApp>();
  let expired = false;
  let onExpire!: () => void;
  const expiry = new Promise<void>((r) => (onExpire = r));
  // The grader's own stalls (another submission's work) do not count against this one.
  const timer = startDeadline(seconds * 1000, () => {
    expired = true;
    for (const app of apps) void app.stop();
    onExpire();
  });

  const launcher: Launcher = async (launchOptions) => {
    if (expired) return { problem: limitProblem(seconds) };
    const asked = performance.now();
    const booting = base(launchOptions);
    void booting.then(() => addCost("boot", performance.now() - asked), () => undefined);
    const outcome = await Promise.race([booting, expiry.then(() => undefined)]);
    if (outcome === undefined) {
      // Abandoned at the limit: stop the app if it still comes up; wait for it before exiting.
      const cleanup = booting.then((o: BootOutcome) => ("app" in o ? o.app.stop() : undefined)).catch(() => undefined);
      stragglers.add(cleanup);
      void cleanup.then(() => stragglers.delete(cleanup));
      return { problem: limitProblem(seconds) };
    }
    if ("app" in outcome) {
      apps.add(outcome.app);
      if (expired) void outcome.app.stop();
    }
    return outcome;
  };

  const started = performance.now();
  const grading = grade(spec, sub.dir, { ...options, launcher });
  void grading.then(() => addCost("submission", performance.now() - started), () => undefined);
  try {
    const settled = await Promise.race([grading, expiry.then(() => delay(WIND_DOWN_MS))]);
    if (settled) return { result: settled, expired };
    stragglers.add(grading);
    void grading.finally(() => stragglers.delete(grading));
    const result: Result = {
      exercise: sub.exercise,
      title: spec.title ?? sub.exercise,
      submission: sub.path,
      score: 0,
      maxScore,
      status: "error",
      error: didNotWindDown(WIND_DOWN_MS / 1000, seconds),
      notes: [],
      checks: [],
      durationMs: seconds * 1000 + WIND_DOWN_MS,
    };
    return { result, expired: false }; // already an error: no second try
  } finally {
    timer.cancel();
  }
}

/**
 * A result whose time limit ran out twice: status error. What passed stays passed; what did not
 * is not the student's failure, since the limit may have cut it short.
 */
function notFinished(result: Result, seconds: number): Result {
  if (result.status === "error" && result.checks.length === 0) return result;
  const checks = result.checks.map((v): Verdict =>
    v.status === "fail" ? { ...v, status: "error", points: 0, hint: undefined, message: notGradedAtLimit(v.message) } : v,
  );
  return { ...result, status: "error", error: timeLimitNotSettled(seconds), checks, score: checks.reduce((sum, v) => sum + v.points, 0) };
}

function limitProblem(seconds: number): Problem {
  return {
    kind: "boot-timeout",
    message: usedUpTimeLimit(seconds),
    hint: USED_UP_TIME_LIMIT_HINT,
    locations: [],
  };
}

/** The points an exercise is worth, counted by the engine itself (grading an empty folder starts no app). */
async function maxScoreOf(spec: Spec): Promise<number> {
  // Its owner file beside the empty folder graded, not in it.
  const root = await makeOwnedFolder(EMPTY_FOLDER);
  try {
    const empty = join(root, "submission");
    mkdirSync(empty);
    return (await grade(spec, empty, { python: process.execPath })).maxScore;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function settleWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length) await Promise.race([Promise.allSettled(promises), delay(ms)]);
}

/** A wait that never keeps the process alive by itself. */
function delay(ms: number): Promise<undefined> {
  return new Promise((r) => setTimeout(() => r(undefined), ms).unref());
}
