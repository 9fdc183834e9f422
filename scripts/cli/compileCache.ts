/**
 * Node's compile cache (Node >= 22.1: module.enableCompileCache): the bytecode of the grader's
 * modules is kept between runs instead of compiled at each start. In the user's own cache folder
 * (userCache.ts), never the shared default in the temporary folder, where another local user could
 * leave what this process would load. On older Node, nothing happens.
 */
import * as nodeModule from "node:module";
import { join } from "node:path";
import { userCacheDir } from "../../graders/userCache.js";

type EnableCompileCache = (directory?: string) => unknown;

export function enableCompileCache(): void {
  const enable = (nodeModule as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (typeof enable !== "function") return;
  const dir = userCacheDir();
  if (!dir) return;
  try {
    enable(join(dir, "node-compile-cache"));
  } catch {
    // only a shortcut
  }
}
