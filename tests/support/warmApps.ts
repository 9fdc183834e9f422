/**
 * A test file's apps and the one warm launcher they boot on. After the file, the launcher is
 * closed and no process of any of its apps may be left running.
 */
import { afterAll, expect } from "@jest/globals";
import { warmLauncher } from "../../graders/boot/warm.js";
import { processesMentioning, removeTempApps, tempApp } from "./tempApps.js";

export function appsOnWarmLauncher() {
  const dirs: string[] = [];
  const warm = warmLauncher();
  afterAll(async () => {
    await warm.close();
    const left = dirs.flatMap((d) => processesMentioning(d));
    removeTempApps();
    expect(left.map((p) => p.cmdline)).toEqual([]);
  });
  /** A temporary app folder (see tempApp), watched for leftovers. */
  const app = (files: string | Record<string, string>): string => {
    const dir = tempApp(files);
    dirs.push(dir);
    return dir;
  };
  return { app, warm };
}
