/**
 * Terminal colours, decided once per output stream. Colours go only where a person reads a
 * terminal: piped output and CI logs stay plain unless FORCE_COLOR asks otherwise.
 */

export interface Palette {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/** FORCE_COLOR wins (as in Node and most tools; `0`/`false` turns colour off), then NO_COLOR, then the TTY. */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

const colored: Palette = {
  green: sgr(32, 39),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  dim: sgr(2, 22),
  bold: sgr(1, 22),
};

const plain: Palette = { green: same, red: same, yellow: same, dim: same, bold: same };

function same(text: string): string {
  return text;
}

export function palette(enabled: boolean): Palette {
  return enabled ? colored : plain;
}
