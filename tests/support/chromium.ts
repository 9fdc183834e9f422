/**
 * Tests that render a page in headless Chromium. A student's machine need not have Chromium: the
 * test is then reported as skipped, by name and on stderr, instead of passing without checking
 * anything. `.ci/run` installs Chromium and sets REQUIRE_CHROMIUM, so there the test runs (or
 * fails), never skips.
 */
import { test } from "@jest/globals";
import { existsSync } from "node:fs";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** The Chromium binary, or undefined when this machine has none. */
export function findChromium(): string | undefined {
  return CANDIDATES.find((path) => existsSync(path));
}

/**
 * `test(name, fn)` with Chromium's path, when there is one or it is required; otherwise a skipped
 * test whose name says why, and a line on stderr (jest prints skipped tests' names only when a
 * single file runs).
 */
export function chromiumTest(name: string, fn: (chromium: string) => void | Promise<void>, timeout?: number): void {
  const chromium = findChromium();
  if (chromium) {
    test(name, () => fn(chromium), timeout);
    return;
  }
  if (process.env.REQUIRE_CHROMIUM) {
    test(name, () => {
      throw new Error(`REQUIRE_CHROMIUM is set but Chromium is not installed (looked for ${CANDIDATES.join(", ")})`);
    });
    return;
  }
  process.stderr.write(`skipped: no Chromium: "${name}" (apt-get install chromium to run it)\n`);
  test.skip(`${name} (skipped: no Chromium)`, () => undefined);
}
