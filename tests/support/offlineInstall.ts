/**
 * `npm install` in an exported folder, as its workflow or setup script runs it, but with no network:
 * `--offline` makes npm take every package from its cache, which this project's own `npm ci`
 * filled (the export's package-lock.json pins the same versions), and fail at once with
 * ENOTCACHED on anything else. Should npm try the network anyway, its proxy is a closed port on
 * loopback, with no retries: the attempt fails fast instead of reaching the registry.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The `npm install ...` line of an exported script or workflow, as npm's arguments. */
export function installArgs(script: string): string[] {
  const line = /^\s*npm (install\b.*)$/m.exec(script);
  if (!line) throw new Error(`no npm install line in:\n${script}`);
  return line[1]!.trim().split(/\s+/);
}

/** Runs `npm <args> --offline` in `repo`; throws with npm's output when it fails or rewrote the lockfile's content. */
export function offlineInstall(repo: string, args: string[], env: NodeJS.ProcessEnv): void {
  const lockfile = join(repo, "package-lock.json");
  const before = canonicalJson(readFileSync(lockfile, "utf8"));
  const closed = "http://127.0.0.1:9";
  const installEnv: NodeJS.ProcessEnv = {
    ...env,
    // The cache (and registry, which keys it) of this run's own npm, when not npm's defaults.
    ...(process.env.npm_config_cache && { npm_config_cache: process.env.npm_config_cache }),
    ...(process.env.npm_config_registry && { npm_config_registry: process.env.npm_config_registry }),
    npm_config_proxy: closed,
    npm_config_https_proxy: closed,
    npm_config_noproxy: "",
    npm_config_fetch_retries: "0",
  };
  const install = spawnSync("npm", [...args, "--offline"], { cwd: repo, env: installEnv, encoding: "utf8", timeout: 300_000 });
  if (install.error || install.status !== 0) {
    throw new Error(
      `npm ${args.join(" ")} --offline failed (ENOTCACHED: a package the exported lockfile needs is not in the cache this project's npm ci filled):\n` +
        `${install.error ?? ""}\n${install.stdout}\n${install.stderr}`,
    );
  }
  // npm rewrites the lockfile in its own key order; its content must be what the export wrote.
  const after = canonicalJson(readFileSync(lockfile, "utf8"));
  if (after !== before) throw new Error("npm install changed the exported package-lock.json: the export's lockfile is not what npm resolves.");
}

function canonicalJson(text: string): string {
  const sort = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sort)
      : value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sort(v)]))
        : value;
  return JSON.stringify(sort(JSON.parse(text)));
}
