/**
 * A test file's temporary apps, watched: after the file, no process of any of them may be left
 * running. `appsOnWarmLauncher` adds the one warm launcher they boot on, closed first.
 */
import { afterAll, expect } from "@jest/globals";
import { warmLauncher, type WarmLauncher } from "../../graders/boot/warm.js";
import { processesMentioning, removeTempApps, tempApp } from "./tempApps.js";

type AppFiles = string | Record<string, string>;

export function watchedApps(warm?: WarmLauncher): { app: (files: AppFiles) => string } {
  const dirs: string[] = [];
  afterAll(async () => {
    await warm?.close();
    const left = dirs.flatMap((d) => processesMentioning(d));
    removeTempApps();
    expect(left.map((p) => p.cmdline)).toEqual([]);
  });
  /** A temporary app folder (see tempApp), watched for leftovers. */
  const app = (files: AppFiles): string => {
    const dir = tempApp(files);
    dirs.push(dir);
    return dir;
  };
  return { app };
}

export function appsOnWarmLauncher(): { app: (files: AppFiles) => string; warm: WarmLauncher } {
  const warm = warmLauncher();
  return { ...watchedApps(warm), warm };
}
