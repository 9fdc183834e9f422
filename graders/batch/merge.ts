/**
 * `batch merge`: the report folders of several machines (shards) as one. Refuses rather than
 * guesses: a folder whose run did not finish, a shard missing from a set, or a student graded
 * differently in two folders is an error that names it.
 */
import { UsageError } from "../errors.js";
import { byName } from "./discover.js";
import type { StudentRow } from "./gradebook.js";
import { writeOutputs } from "./outputs.js";
import { MANIFEST, readManifest, readRecords, recordKey, writeManifest, writeRecord, type Manifest, type ManifestStudent, type SubmissionRecord } from "./store.js";

export function mergeReports(inputs: readonly string[], out: string, options: { reveal?: boolean } = {}): { manifest: Manifest; rows: StudentRow[] } {
  if (inputs.length === 0) throw new UsageError("merge needs at least one report folder.");
  if (readManifest(out)) throw new UsageError(`${out} already holds a batch report: merge into a new folder.`);

  const exercises: string[] = [];
  const maxScores: Record<string, number> = {};
  const students = new Map<string, { from: string; student: ManifestStudent }>();
  const records = new Map<string, SubmissionRecord>();
  const shards: string[] = [];

  for (const input of inputs) {
    let manifest: Manifest | undefined;
    try {
      manifest = readManifest(input);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (!manifest) throw new UsageError(`${input} is not a batch report folder (it has no ${MANIFEST}).`);
    if (manifest.shard) shards.push(manifest.shard);
    shards.push(...(manifest.merged ?? []));
    for (const id of manifest.exercises) if (!exercises.includes(id)) exercises.push(id);
    for (const [id, max] of Object.entries(manifest.maxScores)) {
      if (maxScores[id] !== undefined && maxScores[id] !== max) {
        throw new UsageError(`${id} is worth ${maxScores[id]} points in one folder and ${max} in ${input}: were they graded with the same specs?`);
      }
      maxScores[id] = max;
    }
    const found = readRecords(input);
    const unfinished = manifest.students.flatMap((s) => s.submissions.filter((sub) => !found.has(recordKey(s.student, sub.exercise))));
    if (unfinished.length) {
      throw new UsageError(
        `${input} is incomplete: ${unfinished.length} submission${unfinished.length === 1 ? " was" : "s were"} not graded ` +
          `(${unfinished.slice(0, 3).map((u) => u.path).join(", ")}${unfinished.length > 3 ? ", ..." : ""}). Run its batch again with --resume.`,
      );
    }
    for (const s of manifest.students) {
      const seen = students.get(s.student);
      if (seen) {
        const same = JSON.stringify(seen.student) === JSON.stringify(s) &&
          s.submissions.every((sub) => JSON.stringify(records.get(recordKey(s.student, sub.exercise))) === JSON.stringify(found.get(recordKey(s.student, sub.exercise))));
        if (!same) throw new UsageError(`${s.student} is in both ${seen.from} and ${input}, graded differently: merge shards of one class, each once.`);
        continue;
      }
      students.set(s.student, { from: input, student: s });
      for (const sub of s.submissions) {
        const key = recordKey(s.student, sub.exercise);
        records.set(key, found.get(key)!);
      }
    }
  }
  checkShards(shards);

  const manifest: Manifest = {
    version: 1,
    class: [...new Set(inputs.map((i) => readManifest(i)!.class))].join(", "),
    exercises,
    maxScores,
    shard: null,
    merged: [...new Set(shards)].sort(byName),
    students: [...students.values()]
      .map(({ student: s }) => ({
        ...s,
        missing: s.notSubmission !== undefined ? [] : exercises.filter((id) => !s.submissions.some((sub) => sub.exercise === id)),
      }))
      .sort((a, b) => byName(a.student, b.student)),
  };
  writeManifest(out, manifest);
  for (const record of records.values()) writeRecord(out, record);
  const rows = writeOutputs(out, manifest, records, options);
  return { manifest, rows };
}

/** Shards i/n of one split must all be there, each once. */
function checkShards(shards: readonly string[]): void {
  if (shards.length === 0) return;
  const counts = new Set(shards.map((s) => s.split("/")[1]));
  if (counts.size > 1) throw new UsageError(`The folders come from different splits (${[...new Set(shards)].join(", ")}): merge the shards of one run.`);
  const n = Number([...counts][0]);
  const seen = new Map<string, number>();
  for (const s of shards) seen.set(s, (seen.get(s) ?? 0) + 1);
  const twice = [...seen].filter(([, c]) => c > 1).map(([s]) => s);
  if (twice.length) throw new UsageError(`Shard ${twice.join(", ")} is given more than once.`);
  const missing = Array.from({ length: n }, (_, i) => `${i + 1}/${n}`).filter((s) => !seen.has(s));
  if (missing.length) throw new UsageError(`Shard ${missing.join(", ")} is missing: merge every shard of the run.`);
}
