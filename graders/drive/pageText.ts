/**
 * What a person would read on the page: for HTML, the text outside tags with entities decoded
 * (script, style, head, title and template hidden, each tag and comment read as a space); for any
 * other type (text/plain, JSON) the body as it is. Whitespace is collapsed either way. Numbers are
 * matched as whole numbers in this text, so `<h1>` never reads as the number 1 and "12" never
 * counts as a 2.
 *
 * HTML goes through htmlparser2's Tokenizer, a state machine that reads each character once: a
 * page is student output, and backtracking patterns over it took minutes of grader CPU on
 * `"<script>" * 60000`. Its Parser is not used: it keeps the open elements in an array it
 * unshifts and searches, which is quadratic in the nesting depth ("<div>" * 200000). No tree is
 * needed here, only whether the text is inside an element that is not shown.
 */
import { Tokenizer } from "htmlparser2";

export function visibleText(body: string, contentType?: string): string {
  return (isHtml(contentType) ? htmlText(body) : body).replace(/\s+/g, " ").trim();
}

/** HTML unless the response says otherwise (no Content-Type: read as a browser would, as HTML). */
function isHtml(contentType: string | undefined): boolean {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "" || type === "text/html" || type === "application/xhtml+xml";
}

/** Elements whose content a browser does not show as page text (the head is tracked apart). */
const HIDDEN = new Set(["script", "style", "title", "template"]);
/** What may stand in a head; anything else starts the body (and ends a head left open). */
const HEAD_CONTENT = new Set(["base", "link", "meta", "noscript", "script", "style", "template", "title"]);

function htmlText(html: string): string {
  const parts: string[] = [];
  /** The hidden element the text is in (script, style and title hold no elements to track). */
  let hidden: string | undefined;
  let inHead = false;
  let tag = "";
  const shown = () => hidden === undefined && !inHead;
  const space = () => parts.push(" ");
  // Text in a head left open starts the body, as in a browser.
  const bodyText = () => {
    if (hidden === undefined) inHead = false;
  };

  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      ontext(start, end) {
        const text = html.slice(start, end);
        if (inHead && /\S/.test(text)) bodyText();
        if (shown()) parts.push(text);
      },
      ontextentity(codePoint, end) {
        if (inHead) bodyText();
        if (!shown()) return;
        // Only a complete reference (`&lt;`, `&#60;`) is decoded; `&copy` without its `;` stays as written.
        parts.push(html[end - 1] === ";" ? String.fromCodePoint(codePoint) : html.slice(html.lastIndexOf("&", end - 1), end));
      },
      onopentagname(start, end) {
        tag = html.slice(start, end).toLowerCase();
        if (hidden !== undefined) return;
        if (tag === "head") inHead = true;
        else if (inHead && !HEAD_CONTENT.has(tag)) inHead = false;
        if (HIDDEN.has(tag)) hidden = tag;
      },
      onopentagend: space,
      onselfclosingtag() {
        // `<script/>`: the tokenizer reads what follows as markup, so it is not inside the script.
        if (hidden === tag) hidden = undefined;
        space();
      },
      onclosetag(start, end) {
        const name = html.slice(start, end).toLowerCase();
        if (name === hidden) hidden = undefined;
        else if (hidden === undefined && (name === "head" || name === "body" || name === "html")) inHead = false;
        space();
      },
      oncomment: space,
      oncdata: space,
      ondeclaration() {},
      onprocessinginstruction() {},
      onattribdata() {},
      onattribentity() {},
      onattribend() {},
      onattribname() {},
      onend() {},
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  return parts.join("");
}

/** A whole number stands alone: no digit, and no decimal point or comma followed by a digit, on either side. */
const WHOLE_NUMBER = /(?<!\d|\d[.,])\d+(?![.,]?\d)/g;

/** Every whole number in the text, in order. */
export function wholeNumbers(text: string): number[] {
  return [...text.matchAll(WHOLE_NUMBER)].map((m) => Number(m[0]));
}

export function showsNumber(text: string, n: number): boolean {
  return wholeNumbers(text).includes(n);
}

/** For `loose` comparisons: lower case, punctuation and runs of spaces as one space. */
export function loosen(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
