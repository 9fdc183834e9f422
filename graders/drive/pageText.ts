/**
 * What a person would read on the page: tags stripped, entities decoded, whitespace collapsed.
 * Numbers are matched as whole numbers in this text, so `<h1>` never reads as the number 1 and
 * "12" never counts as a 2.
 */

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'" };

export function visibleText(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, " ")
      .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, " ")
      .replace(/<[^>]*>/g, " "),
  )
    .replace(/\s+/g, " ")
    .trim();
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
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
