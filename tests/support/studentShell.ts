/**
 * Commands run as a student or teacher would run them in their own shell: none of this test
 * run's jest, npm or CI variables, no colours, CI=true (as on GitHub Actions).
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";

export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|JEST_|GITHUB_|NODE_OPTIONS$|SUBMISSION$|EXERCISE$|REVEAL$|AUTOGRADER_HIDDEN_SPECS$|FORCE_COLOR$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: "1", CI: "true", ...extra };
}

export function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv(), timeout = 120_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: "utf8", timeout });
}

/** Both streams of a finished command, for failure messages and assertions. */
export const output = (r: SpawnSyncReturns<string>): string => `${r.stdout}\n${r.stderr}`;
