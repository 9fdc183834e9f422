/**
 * The kinds of folder the grader makes in the temporary folder, each with mkdtemp: its prefix
 * and six characters. All are marked with their maker and swept by the next grader once that
 * maker is gone (ownedFolders.ts), so that one killed with SIGKILL leaves nothing for good. The
 * name pattern a sweep goes by is derived from the prefix, never written twice. One kind more is
 * declared where it is made, for that module must load nothing else: the zygote's socket folder,
 * `autograde-warm-*` (ZYGOTE_FOLDER in zygoteProcess.ts).
 */

/** One kind: `prefix` for mkdtemp, `pattern` for the names it makes. */
export interface FolderKind {
  readonly prefix: string;
  readonly pattern: RegExp;
}

function kind(prefix: string): FolderKind {
  if (!/^[a-z][a-z-]*-$/.test(prefix)) throw new Error(`not a folder prefix: ${prefix}`); // nothing a pattern would read as syntax
  return { prefix, pattern: new RegExp(`^${prefix}[A-Za-z0-9]{6}$`) };
}

/** An app's private folder: its copy, socket and new root (isolation.ts). */
export const PRIVATE_FOLDER = kind("ag-");
/** The browsers' warm-up request's socket folder (drive/warmRequest.ts). */
export const WARM_REQUEST_FOLDER = kind("autograder-warm-");
/** The isolation probe's app (isolation.ts). */
export const PROBE_FOLDER = kind("autograde-probe-");
/** `npm run verify`'s mutant copies (verify/mutants.ts). */
export const VERIFY_FOLDER = kind("autograde-verify-");
/** The empty submission a batch grades for an exercise's points (batch/run.ts). */
export const EMPTY_FOLDER = kind("autograde-empty-");
