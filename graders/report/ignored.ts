/**
 * Which ignored folders are worth a note. A folder of exercise folders often holds others too
 * (a student repository has specs/, tests/, vendor/): only one with Python files in it may be a
 * submission under the wrong name, so only those are mentioned.
 */
import { readdirSync } from "node:fs";

export function mayBeSubmission(folder: string): boolean {
  try {
    return readdirSync(folder).some((name) => name.endsWith(".py"));
  } catch {
    return false;
  }
}
