/**
 * `autograde FOLDER --watch`: grade, then grade again each time a file of the submission is
 * saved, on the same warm Python (an app is then a fork, not an interpreter start). Each run
 * clears the terminal, shows the report and says what changed since the previous run. Ctrl-C
 * stops: the warm server and any app are stopped with it (graders/boot/reaper.ts kills what is
 * left when the process is interrupted).
 */
import { describeChanges } from "../../graders/report/changes.js";
import type { Result } from "../../graders/verdict/types.js";
import { explain, type Io, type RunContext } from "./main.js";
import { nameText } from "../../graders/verdict/studentText.js";
import { watchSubmission, type FolderWatch } from "./folderWatch.js";

/** Saves come in bursts (an editor writes, renames, touches): one run per burst. */
const SETTLE_MS = 50;
/** ESC [2J clears the screen, ESC [3J its scrollback, ESC [H moves to the top. */
const CLEAR = "\u001b[2J\u001b[3J\u001b[H";

export interface WatchOptions {
  /** Stops watching as Ctrl-C does (for callers that are not a terminal: the tests). */
  stop?: AbortSignal;
}

/** Runs `gradeOnce` now and after every change, until SIGINT/SIGTERM; returns the last exit status. */
export async function watch(
  io: Io,
  gradeOnce: (context: RunContext, io: Io) => Promise<number>,
  options: WatchOptions = {},
): Promise<number> {
  // Each run gets the environment as it was at the start: a run removes the hidden checks from
  // the process's environment, and every run must add them again.
  const env = { ...io.env };
  const say = (text: string) => void io.stderr.write(`${text}\n`);
  const watches: FolderWatch[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let pending: string | undefined;
  let stopped = false;
  /** When the first save of the burst being graded was seen. */
  let savedAt: number | undefined;
  let status = 0;
  let previous: Result[] | undefined;
  let finish = (_status: number) => {};
  const finished = new Promise<number>((resolve) => (finish = resolve));

  // Watching starts as soon as the first run knows its folders, before it reads a file: a save
  // made while that run grades (or the moment it ends) is graded next, never missed.
  const context: RunContext = {
    watching: true,
    onTargets: (targets) => {
      // Later runs find the same folders; and if the first could watch none, there is no later run.
      if (watches.length > 0) return;
      for (const folder of new Set(targets.map((t) => t.dir))) startWatching(folder);
    },
  };

  const once = async (): Promise<number> => {
    const runIo: Io = { ...io, env: { ...env } };
    context.results = undefined;
    try {
      return await gradeOnce(context, runIo);
    } catch (error) {
      return explain(error, runIo, context);
    }
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    clearTimeout(timer);
    for (const w of watches) w.close();
    await context.warm?.close();
    finish(status);
  };

  const onSignal = () => void stop();

  const regrade = async (changed: string) => {
    if (running) {
      pending = changed;
      return;
    }
    running = true;
    const since = savedAt ?? performance.now();
    savedAt = undefined;
    if (io.stdout.isTTY) io.stdout.write(CLEAR);
    else say(`\n── ${nameText(changed)} changed: grading again ──`);
    status = await once();
    if (context.results) {
      if (previous) say(describeChanges(previous, context.results).join("\n"));
      previous = context.results;
    }
    say(`autograde: graded ${Math.round(performance.now() - since)} ms after the save; watching: save a file to grade again; Ctrl-C to stop.`);
    settled();
  };

  /** After a run: the save that came during it, if any, is graded now. */
  const settled = () => {
    running = false;
    if (pending !== undefined && !stopped) {
      const next = pending;
      pending = undefined;
      void regrade(next);
    }
  };

  function startWatching(folder: string): void {
    const watched = watchSubmission(folder, {
      change(file) {
        if (stopped) return;
        savedAt ??= performance.now();
        clearTimeout(timer);
        timer = setTimeout(() => void regrade(file), SETTLE_MS);
      },
      note: (where, reason) => say(`autograde: note: not watching ${nameText(where)}: ${reason}.`),
    });
    if (watched.folders().length > 0) watches.push(watched);
  }

  running = true;
  status = await once();
  // No folder to watch (none found, or none could be watched: a note has said why): one run.
  if (watches.length === 0) return status;
  previous = context.results;
  say(`autograde: watching ${watches.map((w) => nameText(w.root)).join(", ")}: save a file to grade again; Ctrl-C to stop.`);
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  options.stop?.addEventListener("abort", onSignal, { once: true });
  settled();
  return finished;
}
