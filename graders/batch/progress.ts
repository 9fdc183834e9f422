/**
 * How a batch shows that it is moving. On a terminal: one line redrawn in place, with a bar, the
 * counts and an estimate of the time left. Elsewhere (CI logs): one plain line per submission.
 */
import { formatPoints } from "../report/feedback.js";
import type { Progress } from "./run.js";
import type { SubmissionRecord } from "./store.js";
import { actionsSafe, nameText } from "../verdict/studentText.js";

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const REDRAW_MS = 100;
const BAR = 24;

export function createProgress(stream: ProgressStream, now: () => number = Date.now): Progress {
  let total = 0;
  let reused = 0;
  let done = 0;
  let errors = 0;
  let started = 0;
  let drawn = 0;
  const tty = Boolean(stream.isTTY);

  const line = (): string => {
    const finished = reused + done;
    const fraction = total ? finished / total : 1;
    const filled = Math.round(fraction * BAR);
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const left = total - finished;
    const eta = done > 0 && rate > 0 ? `about ${duration(left / rate)} left` : "estimating time left";
    const counts = `${finished}/${total}` + (errors ? ` · could not grade ${errors}` : "");
    const text = `grading ${"█".repeat(filled)}${"░".repeat(BAR - filled)} ${counts} · ${rate.toFixed(1)}/s · ${left ? eta : "done"}`;
    return stream.columns ? text.slice(0, stream.columns - 1) : text;
  };

  return {
    begin(info) {
      total = info.total;
      reused = info.reused;
      started = now();
      const kept = info.reused ? ` (${info.reused} kept from the earlier run)` : "";
      if (tty) stream.write(`${line()}`);
      else stream.write(`grading ${total - reused} of ${total} submissions${kept}, ${info.jobs} at a time\n`);
    },
    done(record: SubmissionRecord) {
      done++;
      if (record.result.status === "error") errors++;
      if (tty) {
        if (now() - drawn >= REDRAW_MS || reused + done === total) {
          drawn = now();
          stream.write(`\r\x1b[K${line()}`);
        }
        return;
      }
      const r = record.result;
      const width = String(total).length;
      const what = r.status === "error" ? `could not grade: ${r.error ?? "grader error"}` : `${formatPoints(r.score)}/${formatPoints(r.maxScore)}`;
      // The path is the student's folder names: shown as one line, odd characters visible.
      stream.write(actionsSafe(`[${String(reused + done).padStart(width)}/${total}] ${nameText(record.path)} (${record.exercise}): ${what}\n`));
    },
    end() {
      const elapsed = (now() - started) / 1000;
      if (tty) stream.write(`\r\x1b[K${line()}\n`);
      else stream.write(`graded ${done} submission${done === 1 ? "" : "s"} in ${elapsed.toFixed(1)} s${errors ? `, ${errors} could not be graded` : ""}\n`);
    },
  };
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - 60 * m)} s`;
}
