/**
 * The flags that set how apps are isolated and limited, shared by `autograde` and `batch` so both
 * accept the same names and ranges (the ranges a spec's `limits:` may use too).
 */
import type { AppLimits, IsolationMode } from "../../graders/boot/isolation.js";
import { UsageError } from "../../graders/errors.js";

const LIMIT_FLAGS = {
  "memory-mb": { limit: "memoryMb", min: 64, max: 8192 },
  "cpu-seconds": { limit: "cpuSeconds", min: 1, max: 600 },
  processes: { limit: "processes", min: 4, max: 1024 },
  "file-size-mb": { limit: "fileSizeMb", min: 1, max: 1024 },
  "open-files": { limit: "openFiles", min: 16, max: 4096 },
} as const satisfies Record<string, { limit: keyof AppLimits; min: number; max: number }>;
// Not imported from isolation.ts: the CLI parses its arguments before loading the boot layer.
const ISOLATION_MODES = ["auto", "required", "off"] as const satisfies readonly IsolationMode[];

/** The parseArgs options for `--isolation` and each limit flag. */
export const SANDBOX_FLAG_OPTIONS = {
  isolation: { type: "string" as const },
  ...Object.fromEntries(Object.keys(LIMIT_FLAGS).map((flag) => [flag, { type: "string" as const }])),
};

export interface SandboxFlags {
  isolation?: IsolationMode;
  limits: Partial<AppLimits>;
}

/** Reads `--isolation` and the limit flags from parseArgs' values; a bad value is a UsageError. */
export function parseSandboxFlags(values: Record<string, unknown>): SandboxFlags {
  const isolation = values.isolation as string | undefined;
  if (isolation !== undefined && !(ISOLATION_MODES as readonly string[]).includes(isolation)) {
    throw new UsageError(`Unknown isolation mode "${isolation}". Expected one of: ${ISOLATION_MODES.join(", ")}.`);
  }
  const limits: Partial<AppLimits> = {};
  for (const [flag, { limit, min, max }] of Object.entries(LIMIT_FLAGS)) {
    const text = values[flag] as string | undefined;
    if (text === undefined) continue;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
      throw new UsageError(`--${flag} needs a number from ${min} to ${max}, got "${text}".`);
    }
    limits[limit] = value;
  }
  return { isolation: isolation as IsolationMode | undefined, limits };
}
