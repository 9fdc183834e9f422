/**
 * An opt-in trace of where a run's time goes: with AUTOGRADER_TIMING=1, each mark prints to stderr
 * the milliseconds since this process started (performance.now()'s origin) and the CPU time this
 * process has used so far (steadier than wall time on a busy machine). Imports nothing, so that
 * the command's entry can load it before anything else; off, a mark costs one comparison.
 */
const on = process.env.AUTOGRADER_TIMING === "1";

export function mark(what: string): void {
  if (!on) return;
  const { user, system } = process.cpuUsage();
  process.stderr.write(`autograde: timing: ${performance.now().toFixed(1).padStart(7)} ms (cpu ${((user + system) / 1000).toFixed(0).padStart(4)} ms)  ${what}\n`);
}
