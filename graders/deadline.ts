/**
 * Deadlines that do not count the grader's own stalls.
 *
 * A plain timer measures wall time. While this process is blocked (a long synchronous call, a
 * machine so loaded that it is not scheduled), nothing it waits for can be read; when the loop
 * resumes, every timer that fell due meanwhile fires before the answers that arrived meanwhile are
 * read, and an app that answered in time is blamed for the grader's stall. A deadline here, when
 * its timer fires, first lets pending I/O be read (a setImmediate callback runs after the loop's
 * poll phase), then extends itself by the time the event loop was blocked since it was set, and
 * expires only when the time is really up.
 *
 * Stalls are measured by a sampler that ticks every TICK_MS while any deadline is pending: the
 * lateness of a tick is time the loop could not run.
 */
import { performance } from "node:perf_hooks";

const TICK_MS = 50;
/** Lateness below this is a timer's ordinary jitter, not a stall. */
const JITTER_MS = 20;

let lastTick = 0;
/** Milliseconds the loop was blocked, in total, while a deadline was pending. */
let stalledMs = 0;
let sampler: NodeJS.Timeout | undefined;
let pending = 0;

/** Counts the stall since the last tick (if any) and returns the running total. */
function stalledSoFar(): number {
  const now = performance.now();
  const gap = now - lastTick;
  lastTick = now;
  if (gap > TICK_MS + JITTER_MS) stalledMs += gap - TICK_MS;
  return stalledMs;
}

function hold(): void {
  if (pending++ === 0) {
    lastTick = performance.now();
    sampler = setInterval(stalledSoFar, TICK_MS);
    sampler.unref(); // never keeps the process alive by itself
  }
}

function release(): void {
  if (--pending === 0) {
    clearInterval(sampler);
    sampler = undefined;
  }
}

export interface Deadline {
  /** The deadline will not expire (calling it after expiry does nothing). */
  cancel(): void;
  readonly expired: boolean;
}

export interface DeadlineOptions {
  /** Like a timer's unref(): a pending deadline does not keep the process alive. */
  unref?: boolean;
}

/** Calls `onExpire` once `ms` of the grader's running time have passed (see above), unless cancelled first. */
export function startDeadline(ms: number, onExpire: () => void, options: DeadlineOptions = {}): Deadline {
  hold();
  const start = performance.now();
  const stalledAtStart = stalledSoFar();
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  let expired = false;
  const settle = () => {
    if (settled) return false;
    settled = true;
    clearTimeout(timer);
    release();
    return true;
  };
  const arm = (wait: number) => {
    timer = setTimeout(() => setImmediate(check), Math.max(0, wait));
    if (options.unref) timer.unref();
  };
  const check = () => {
    if (settled) return; // cancelled while the I/O that arrived was read
    const allowed = ms + (stalledSoFar() - stalledAtStart);
    const left = allowed - (performance.now() - start);
    if (left >= 1) return arm(left);
    settle();
    expired = true;
    onExpire();
  };
  arm(ms);
  return {
    cancel: () => void settle(),
    get expired() {
      return expired;
    },
  };
}

