/**
 * Grader faults are not student failures: a boot or a check that fails because of the grader or
 * the machine is tried once more; if it fails again it is an error ("could not grade"), never a
 * silent zero. Faults are injected through grade()'s launcher option around the real launch.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { LaunchError, type BootOutcome } from "../graders/boot/handshake.js";
import { launch, type LaunchOptions } from "../graders/boot/launch.js";
import { findPython } from "../graders/boot/python.js";
import { grade } from "../graders/grade.js";
import { renderResult } from "../graders/report/pretty.js";
import type { Spec } from "../graders/spec/types.js";

const python = findPython();
const dir = mkdtempSync(join(tmpdir(), "grader-faults-"));
writeFileSync(join(dir, "app.py"), 'from flask import Flask\napp = Flask(__name__)\n\n@app.get("/")\ndef index():\n    return "hello"\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hello = { request: "GET /", expect: { status: 200, text: { contains: "hello" } } };
const spec: Spec = {
  id: "faults",
  title: "Grader faults",
  checks: [
    { id: "one", title: "First check", steps: [hello] },
    { id: "two", title: "Second check", points: 2, steps: [hello] },
  ],
};

/** The real launch, except that boots listed in `broken` (1 = the first) throw, as a missing interpreter would. */
function failingBoots(broken: number[]) {
  let boots = 0;
  return async (options: LaunchOptions): Promise<BootOutcome> => {
    boots++;
    if (broken.includes(boots)) throw new LaunchError(`the machine refused to start boot ${boots}`);
    return launch(options);
  };
}

/** The real launch, except that apps listed in `broken` get a target the grader cannot use (a grader bug). */
function brokenTargets(broken: (n: number) => boolean) {
  let boots = 0;
  const launcher = async (options: LaunchOptions): Promise<BootOutcome> => {
    const outcome = await launch(options);
    boots++;
    if ("problem" in outcome || !broken(boots)) return outcome;
    return { app: { ...outcome.app, target: { baseUrl: "not a url" }, stop: outcome.app.stop } };
  };
  return { launcher, boots: () => boots };
}

describe("a boot the machine refuses", () => {
  test("once: tried again, and the submission is graded as if nothing happened", async () => {
    const result = await grade(spec, dir, { python, launcher: failingBoots([1]) });
    expect(result.status).toBe("graded");
    expect(result.checks.map((c) => c.status)).toEqual(["pass", "pass"]);
    expect(result.score).toBe(3);
  });

  test("twice: the result is an error that says so, not a zero in silence", async () => {
    const result = await grade(spec, dir, { python, launcher: failingBoots([1, 2]) });
    expect(result.status).toBe("error");
    expect(result.error).toBe("the machine refused to start boot 2");
    expect(result.problem).toBeUndefined();
    expect(renderResult(result)).toContain("could not grade faults (not your fault)");
  });
});

describe("a check the grader cannot run", () => {
  test("once: the check is run again on a fresh app and passes", async () => {
    const { launcher, boots } = brokenTargets((n) => n === 1);
    const result = await grade(spec, dir, { python, launcher });
    expect(result.status).toBe("graded");
    expect(result.checks.map((c) => [c.id, c.status, c.points])).toEqual([
      ["one", "pass", 1],
      ["two", "pass", 2],
    ]);
    expect(boots()).toBe(2);
  });

  test("every time: each check is an error (tried twice), the result is 'could not grade' in every output", async () => {
    const { launcher, boots } = brokenTargets(() => true);
    const result = await grade(spec, dir, { python, launcher });
    expect(result.status).toBe("error");
    expect(result.checks.map((c) => [c.id, c.status, c.points])).toEqual([
      ["one", "error", 0],
      ["two", "error", 0],
    ]);
    expect(result.checks[0].message).toMatch(/^Could not grade this check: the grader failed twice \(not your app\)\. /);
    expect(result.error).toBe('Could not grade "First check", "Second check": the grader failed twice (not the app).');
    expect(boots()).toBe(4); // the first app, then a fresh one for each retry and each next check
    const pretty = renderResult(result);
    expect(pretty).toContain("could not grade faults (not your fault)");
    expect(pretty).toContain("(incomplete)");
  });

  test("a restart the machine refuses during a check makes that check an error, retried, not a failure", async () => {
    const restarting: Spec = { ...spec, checks: [{ id: "restart", title: "Restarts", steps: [hello, { restart: true }, hello] }] };
    const result = await grade(restarting, dir, { python, launcher: failingBoots([2, 3]) });
    // Boot 2 (the restart) and boot 3 (its own retry) fail: an error; the check's retry starts
    // fresh apps (boots 4 and 5) and passes.
    expect(result.status).toBe("graded");
    expect(result.checks.map((c) => c.status)).toEqual(["pass"]);
  });
});
