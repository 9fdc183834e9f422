/**
 * `--shard i/n`: which students one of n machines grades. Students are taken in code-point order
 * of their folder names and dealt round-robin, so the n shards are disjoint, together cover the
 * class, differ in size by at most one, and every machine computes the same split from the same
 * class folder.
 */
import { UsageError } from "../errors.js";

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard expects i/n with 1 <= i <= n (for example 2/4), got "${text}".`);
  }
  return { index, count };
}

export function formatShard(shard: Shard | undefined): string | null {
  return shard ? `${shard.index}/${shard.count}` : null;
}

/** The items (already in their stable order) that belong to `shard`. */
export function inShard<T>(sorted: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...sorted];
  return sorted.filter((_, i) => i % shard.count === shard.index - 1);
}
