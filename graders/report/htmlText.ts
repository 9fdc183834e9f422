/** Text as HTML: the one escaping every HTML output uses (report.html, the trace page). */

/** Text as HTML character data or a quoted attribute value. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
