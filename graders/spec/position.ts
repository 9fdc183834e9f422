/**
 * Pointing at a place in a spec file: from a path of keys and indexes (as the loader and the
 * rules see the data) back to the YAML node, and from there to a 1-based line and column.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from "yaml";
import { SpecError } from "../errors.js";

/** Keys and list indexes from the top of the spec, e.g. `["checks", 0, "steps", 2, "expect"]`. */
export type Path = readonly (string | number)[];

/** Where to point: at the value at a path, or at the key that holds it. */
export type Anchor = "value" | "key";

/** Turns a JSON pointer (`/checks/0/steps`, as ajv reports them) into a Path. */
export function pointerToPath(pointer: string): Path {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** A parsed spec file, able to make SpecErrors that point into it. */
export class SpecSource {
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
  ) {}

  /** A SpecError about the node at `path`. */
  error(path: Path, problem: string, anchor: Anchor = "value"): SpecError {
    const { line, column } = this.position(path, anchor);
    return new SpecError(this.file, line, column, problem);
  }

  /** Line and column of the node at `path`; of its closest existing parent if it is not there. */
  position(path: Path, anchor: Anchor = "value"): { line: number; column: number } {
    const { line, col } = this.lines.linePos(this.offset(path, anchor));
    return { line, column: col };
  }

  /** Offset in the text of the node at `path`, to order problems by where they are. */
  offset(path: Path, anchor: Anchor = "value"): number {
    const { node, pair } = this.find(path);
    const key = pair && isNodeWithRange(pair.key) ? pair.key : undefined;
    // An empty value (`steps:`) sits after the colon; the key is where a reader looks.
    const empty = isScalar(node) && node.value === null && node.source === "";
    const target = anchor === "key" || empty || !node?.range ? (key ?? node) : node;
    return target?.range?.[0] ?? 0;
  }

  /** The 1-based line of the node at `path`, for messages such as "first used on line 3". */
  lineOf(path: Path): number {
    return this.position(path).line;
  }

  private find(path: Path): { node?: Node; pair?: Pair } {
    let node = this.resolve(this.doc.contents);
    let pair: Pair | undefined;
    for (const part of path) {
      if (isMap(node)) {
        const found = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(part));
        if (!found) break;
        pair = found;
        node = this.resolve(found.value as Node | null);
      } else if (isSeq(node)) {
        const item = node.items[Number(part)];
        if (item === undefined) break;
        pair = undefined;
        node = this.resolve(item as Node | null);
      } else {
        break;
      }
    }
    return { node, pair };
  }

  private resolve(node: Node | null | undefined): Node | undefined {
    if (isAlias(node)) return node.resolve(this.doc) ?? undefined;
    return node ?? undefined;
  }
}

function isNodeWithRange(value: unknown): value is Node {
  return isScalar(value) || isMap(value) || isSeq(value) || isAlias(value);
}
