/**
 * The page's HTML as a tree, for `html:` expectations: elements found by CSS selector, their
 * visible text, attributes and form fields. htmlparser2 parses in linear time and never throws
 * on broken markup (a student's page is often broken); the body is already size-bounded.
 */
import { selectAll } from "css-select";
import type { AnyNode, Element } from "domhandler";
import { parseDocument } from "htmlparser2";

type Document = ReturnType<typeof parseDocument>;

// Several html: expectations on one response parse it once.
let last: { body: string; document: Document; cut: boolean } | undefined;

function parsed(body: string): { document: Document; cut: boolean } {
  if (last?.body !== body) {
    const end = deepNestingAt(body);
    last = { body, document: capDepth(parseDocument(end === undefined ? body : body.slice(0, end))), cut: end !== undefined };
  }
  return last;
}

function documentOf(body: string): Document {
  return parsed(body).document;
}

/** Whether the page was read only up to where its elements nest too deep (see deepNestingAt). */
export function cutShort(body: string): boolean {
  return parsed(body).cut;
}

/** Tags never nested by htmlparser2 in themselves (void, or closed by the next of their kind). */
const FLAT = new Set("area base br col embed hr img input link meta source track wbr li p option optgroup dt dd tr td th rt rp".split(" "));
/** Past this estimated depth the page is read only up to there. */
export const MAX_OPEN_TAGS = 1000;

/**
 * Where the estimated nesting depth first exceeds MAX_OPEN_TAGS, if it does: htmlparser2 keeps
 * its open elements in an array it shifts at each tag, so parsing costs time in proportion to
 * depth for every tag (minutes for a hostile page of 200,000 nested <div>s). The estimate, one
 * linear pass, counts start tags minus end tags of the tags that can nest (an upper bound).
 */
function deepNestingAt(body: string): number | undefined {
  let depth = 0;
  let lower: string | undefined;
  for (let at = body.indexOf("<"); at >= 0; at = body.indexOf("<", at + 1)) {
    if (body.startsWith("<!--", at)) {
      const end = body.indexOf("-->", at + 4);
      if (end < 0) return undefined;
      at = end;
      continue;
    }
    const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)/.exec(body.slice(at, at + 40));
    const close = body.indexOf(">", at);
    if (close < 0) return undefined;
    if (!m) continue;
    const name = m[2]!.toLowerCase();
    const selfClosing = body[close - 1] === "/";
    if (m[1]) depth = Math.max(0, depth - 1);
    else if (!FLAT.has(name) && !selfClosing) {
      if (++depth > MAX_OPEN_TAGS) return at;
      if (name === "script" || name === "style") {
        // Raw text: no tags inside, up to the end tag.
        const end = (lower ??= body.toLowerCase()).indexOf(`</${name}`, close);
        if (end < 0) return undefined;
        at = end - 1;
        continue;
      }
    }
    at = close;
  }
  return undefined;
}

/**
 * Nodes nested deeper than this become siblings at this depth, as browsers do (Chrome: 512).
 * Selecting costs time in proportion to depth for every element (css-select and domutils walk
 * ancestors and shift stacks), so a hostile page of 200,000 nested <div>s would take minutes.
 */
export const MAX_DEPTH = 256;

function capDepth(document: Document): Document {
  const pending: [AnyNode, number][] = [[document, 0]];
  while (pending.length) {
    const [node, depth] = pending.pop()!;
    if (!hasChildren(node)) continue;
    if (depth < MAX_DEPTH) {
      for (const child of node.children) pending.push([child, depth + 1]);
      continue;
    }
    // Preorder, without recursion: every descendant, emptied of its own children.
    const flat: AnyNode[] = [];
    const below = [...node.children].reverse();
    while (below.length) {
      const child = below.pop()!;
      flat.push(child);
      if (hasChildren(child)) {
        for (let i = child.children.length - 1; i >= 0; i--) below.push(child.children[i]!);
        child.children = [];
      }
    }
    flat.forEach((child, i) => {
      child.parent = node;
      child.prev = flat[i - 1] ?? null;
      child.next = flat[i + 1] ?? null;
    });
    node.children = flat;
  }
  return document;
}

const hasChildren = (node: AnyNode): node is Extract<AnyNode, { children: AnyNode[] }> => "children" in node;

export function select(body: string, selector: string): Element[] {
  return selectAll<AnyNode, Element>(selector, documentOf(body));
}

/** What a person reads in the element: its text without script and style, spaces collapsed. */
export function elementText(element: Element): string {
  return collectText(element).replace(/\s+/g, " ").trim();
}

/** Without recursion: a hostile page may nest elements far deeper than the stack allows. */
function collectText(root: AnyNode): string {
  const parts: string[] = [];
  const pending: AnyNode[] = [root];
  while (pending.length) {
    const node = pending.pop()!;
    if (node.type === "text") parts.push(node.data);
    else if ((node.type === "tag" || node.type === "root") && "children" in node) {
      if (node.type === "tag" && (node.name === "script" || node.name === "style")) continue;
      for (let i = node.children.length - 1; i >= 0; i--) pending.push(node.children[i]!);
    }
  }
  return parts.join(" ");
}

/** `<input name="theme" value="dark">` as `<input name="theme" value="dark">`, shortened, for messages. */
export function describeElement(element: Element): string {
  const attrs = Object.entries(element.attribs).slice(0, 4).map(([k, v]) => ` ${k}="${v.length > 30 ? v.slice(0, 27) + "..." : v}"`);
  return `<${element.name}${attrs.join("")}>`;
}

/**
 * The fields inside `container` by name, with the value a browser would send: a checkbox or radio
 * only when checked ("on" without a value), a select's selected (or first) option, a textarea's text.
 * Every named field is listed; one that would send nothing has the value undefined.
 */
export function formFields(container: Element): Map<string, string | undefined> {
  const fields = new Map<string, string | undefined>();
  for (const field of selectAll<AnyNode, Element>("input[name], select[name], textarea[name]", container)) {
    const name = field.attribs.name!;
    const value = fieldValue(field);
    if (!fields.has(name) || (fields.get(name) === undefined && value !== undefined)) fields.set(name, value);
  }
  return fields;
}

/** The value a browser would send for one field (undefined: nothing, e.g. an unchecked box). */
export function fieldValue(field: Element): string | undefined {
  if (field.name === "textarea") return collectText(field);
  if (field.name === "select") {
    const options = selectAll<AnyNode, Element>("option", field);
    const chosen = options.find((o) => "selected" in o.attribs) ?? options[0];
    return chosen ? (chosen.attribs.value ?? elementText(chosen)) : undefined;
  }
  const type = (field.attribs.type ?? "text").toLowerCase();
  if (type === "checkbox" || type === "radio") return "checked" in field.attribs ? (field.attribs.value ?? "on") : undefined;
  return field.attribs.value ?? "";
}
