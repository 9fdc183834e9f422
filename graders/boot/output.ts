/**
 * What an app printed, kept up to a cap. A submission may print without end; we keep the start
 * (where tracebacks of a crash usually are) and the latest part, and count what was dropped.
 */
import { StringDecoder } from "node:string_decoder";

export const OUTPUT_CAP_BYTES = 64 * 1024;

export class OutputBuffer {
  private head = "";
  private recent = "";
  private dropped = 0;
  /** A pipe splits its data anywhere, also inside a character: keep a partial one for the next chunk. */
  private decoder = new StringDecoder("utf8");

  constructor(private readonly cap = OUTPUT_CAP_BYTES) {}

  add(chunk: Buffer | string): void {
    const text = typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    const half = this.cap / 2;
    if (this.head.length < half) {
      const room = half - this.head.length;
      this.head += text.slice(0, room);
      this.pushRecent(text.slice(room));
    } else {
      this.pushRecent(text);
    }
  }

  private pushRecent(text: string): void {
    if (!text) return;
    this.recent += text;
    const half = this.cap / 2;
    if (this.recent.length > half) {
      this.dropped += this.recent.length - half;
      this.recent = this.recent.slice(-half);
    }
  }

  /** Characters dropped so far because of the cap. */
  get droppedChars(): number {
    return this.dropped;
  }

  /** Total characters seen (kept + dropped): a position for `since()`. */
  get position(): number {
    return this.head.length + this.recent.length + this.dropped;
  }

  /** What arrived after `position` (as far as it is still kept). */
  since(position: number): string {
    const recentStart = this.position - this.recent.length;
    if (position >= recentStart) return this.recent.slice(position - recentStart);
    if (position < this.head.length) return this.head.slice(position) + (this.dropped ? "\n[...]\n" : "") + this.recent;
    return this.recent;
  }

  /** The last `n` characters. */
  tail(n: number): string {
    const all = this.dropped ? this.recent : this.head + this.recent;
    return all.slice(-n).trim();
  }

  toString(): string {
    return this.head + (this.dropped ? `\n[... ${this.dropped} characters dropped ...]\n` : "") + this.recent;
  }
}
