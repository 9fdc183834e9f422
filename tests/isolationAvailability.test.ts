/**
 * In `auto` mode, whether apps run isolated is decided by the machine, never by one submission
 * (issue 9 item 9): an app whose isolation fails once, on a machine where isolation works, is a
 * grader fault (its boot is retried), and the apps after it are still isolated.
 *
 * The odd failure is made by the test's launcher: for the boots it chooses, it points the
 * sandbox's new root at a folder that does not exist, so the sandbox cannot be set up; the rest of
 * the boot is the real one. Skipped where this machine cannot isolate at all.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, test } from "@jest/globals";
import type { BootOutcome } from "../graders/boot/handshake.js";
import { isolationState, takeIsolationNote, type Sandbox } from "../graders/boot/isolation.js";
import { launch, type LaunchOptions } from "../graders/boot/launch.js";
import { grade } from "../graders/grade.js";
import { packageFile } from "../graders/paths.js";
import { loadSpec } from "../graders/spec/load.js";

const canIsolate = spawnSync("unshare", ["-Ur", "true"]).status === 0;

/** The same sandbox, with a new root that does not exist: the sandbox's set-up fails. */
function spoilt(sandbox: Sandbox): Sandbox {
  return { ...sandbox, probe: sandbox.probe, dispose: () => sandbox.dispose(), config: () => ({ ...sandbox.config(), root: "/nonexistent/autograde-root" }) };
}

/** A launcher that spoils the isolation of the boots `spoil` picks (counted from 1). */
function spoiling(spoil: (boot: number) => boolean): { launcher: (o: LaunchOptions) => Promise<BootOutcome>; boots: () => number } {
  let boots = 0;
  return {
    launcher: (options) => launch({ ...options, sandbox: options.sandbox && spoil(++boots) ? spoilt(options.sandbox) : options.sandbox }),
    boots: () => boots,
  };
}

(canIsolate ? describe : describe.skip)("isolation in auto mode is the machine's to decide", () => {
  test("one app's failed isolation is retried, and does not turn isolation off for the apps after it", async () => {
    const spec = await loadSpec(packageFile("specs/visit-counter.yaml"));
    const first = spoiling((boot) => boot === 1);
    const result = await grade(spec, packageFile("solutions/visit-counter"), { launcher: first.launcher, isolation: "auto" });
    expect(result.status).toBe("graded");
    expect(result.score).toBe(result.maxScore);
    expect(isolationState().available).toBe(true); // decided by the probe, not by the spoilt app
    expect(takeIsolationNote()).toBeUndefined(); // nobody is told that apps run unisolated
    expect(first.boots()).toBeGreaterThan(1); // the spoilt boot was not used: it was retried

    // Later, where isolation is known to work, a failure is the grader's: never a plain run.
    const always = spoiling(() => true);
    const later = await grade(spec, packageFile("solutions/visit-counter"), { launcher: always.launcher, isolation: "auto" });
    expect(later.status).toBe("error");
    expect(later.score).toBe(0);
    expect(isolationState().available).toBe(true);
  });
});
