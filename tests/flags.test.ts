/**
 * Every command reads its flags one way (scripts/cli/flags.ts): a mistyped flag gets the same
 * plain words and exit status 2 from each, never Node's advice about `--` and positionals.
 */
import { describe, expect, test } from "@jest/globals";
import { main as autograde } from "../scripts/cli/main.js";
import { main as batch } from "../scripts/batch/main.js";
import { main as verify } from "../scripts/verify/main.js";
import { checkRun } from "../scripts/check.js";
import { exportMain } from "../scripts/export.js";
import { UsageError } from "../graders/errors.js";

function sink() {
  const io = { text: "", write(t: string) { io.text += t; return true; } };
  return io;
}

describe("a mistyped flag", () => {
  test.each([
    ["autograde", (err: ReturnType<typeof sink>) => autograde(["--colour"], { stdout: sink(), stderr: err, env: {} })],
    ["batch", (err: ReturnType<typeof sink>) => batch(["--colour"], { stdout: sink(), stderr: err })],
    ["verify", (err: ReturnType<typeof sink>) => verify(["--colour"], { stdout: sink(), stderr: err, env: {} })],
    ["export", (err: ReturnType<typeof sink>) => exportMain(["--colour"], { stdout: sink(), stderr: err })],
  ])("%s names it in one sentence and exits 2", async (_name, run) => {
    const err = sink();
    expect(await run(err)).toBe(2);
    expect(err.text).toContain("Unknown option --colour.");
    expect(err.text).not.toMatch(/positional|place it at the end/);
  });

  test("check (npm test with SUBMISSION) throws the same usage error", () => {
    expect(() => checkRun(["--colour"], {})).toThrow(UsageError);
    expect(() => checkRun(["--colour"], {})).toThrow(/^Unknown option --colour\. Expected: /);
  });

  test("a flag without its value says which value is missing", async () => {
    const err = sink();
    expect(await batch(["--out"], { stdout: sink(), stderr: err })).toBe(2);
    expect(err.text).toMatch(/Option '--out <value>' argument missing\./);
  });
});
