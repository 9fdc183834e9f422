/**
 * A guessed secret key as the spec writes it: text (`dev`, signed as its UTF-8 bytes, as Flask
 * does with a str key), a Python bytes literal copied from the student's code
 * (`b'_5#y2L"F4Q8z\n\xec]/'`), or hexadecimal (`keyHex`). Pure: the loader's rules use it to
 * refuse a malformed key, the driver to sign.
 */

const SIMPLE: Record<string, number> = { "\\": 0x5c, "'": 0x27, '"': 0x22, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };

/** The key's bytes, or text for a text key; `problem` when it cannot be read. */
export function secretKeyOf(forgery: { key?: string; keyHex?: string }): { key: string | Buffer } | { problem: string } {
  if (forgery.keyHex !== undefined) {
    const hex = forgery.keyHex.replace(/\s+/g, "");
    if (!/^([0-9a-fA-F]{2})+$/.test(hex)) return { problem: `"keyHex" must be pairs of hexadecimal digits (0-9, a-f), e.g. 5f3523` };
    return { key: Buffer.from(hex, "hex") };
  }
  const text = forgery.key ?? "";
  const literal = /^(?:b|B)(?:r|R)?(['"])([\s\S]*)\1$|^(?:r|R)(?:b|B)(['"])([\s\S]*)\3$/.exec(text);
  if (!literal) return { key: text };
  const raw = /^(rb|br)/i.test(text);
  const body = literal[2] ?? literal[4] ?? "";
  return bytesLiteral(body, raw, literal[1] ?? literal[3]!);
}

/** The inside of a Python bytes literal, escapes and all. */
function bytesLiteral(body: string, raw: boolean, quote: string): { key: Buffer } | { problem: string } {
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c.charCodeAt(0) > 0x7f) return { problem: `a bytes literal holds only ASCII characters; write "${c}" as \\x escapes (its UTF-8 bytes)` };
    if (c === quote) return { problem: `the quote ${quote} inside the bytes literal must be written \\${quote}` };
    if (c !== "\\" || raw) {
      bytes.push(c.charCodeAt(0));
      continue;
    }
    const next = body[++i];
    if (next === undefined) return { problem: "the bytes literal ends with a lone backslash" };
    if (next in SIMPLE) bytes.push(SIMPLE[next]!);
    else if (next === "x") {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return { problem: `"\\x" must be followed by two hexadecimal digits, as in \\xec` };
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      bytes.push(parseInt(octal, 8) & 0xff);
      i += octal.length - 1;
    } else if (next === "\n") continue; // a backslash at the end of a line joins lines
    else bytes.push(0x5c, next.charCodeAt(0)); // Python keeps unknown escapes as they are
  }
  return { key: Buffer.from(bytes) };
}

/** How a key is named in feedback: as written in the spec. */
export function describeKey(forgery: { key?: string; keyHex?: string }): string {
  return forgery.keyHex !== undefined ? `0x${forgery.keyHex.replace(/\s+/g, "")}` : (forgery.key ?? "");
}
