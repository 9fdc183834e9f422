/** Reading one Set-Cookie header the way a browser does, enough to tell "set" from "deleted". */

export interface SetCookie {
  name: string;
  value: string;
  /** Attribute names lower-cased; flags such as HttpOnly map to "". */
  attributes: Record<string, string>;
  /** Empty or expired: the server asks the browser to forget the cookie. */
  deleted: boolean;
}

export function parseSetCookie(header: string): SetCookie {
  const [pair, ...rest] = header.split(";");
  const eq = pair.indexOf("=");
  const name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
  const value = eq < 0 ? "" : pair.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
  const attributes: Record<string, string> = {};
  for (const part of rest) {
    const i = part.indexOf("=");
    const key = (i < 0 ? part : part.slice(0, i)).trim().toLowerCase();
    if (key) attributes[key] = i < 0 ? "" : part.slice(i + 1).trim();
  }
  const maxAge = attributes["max-age"];
  const expires = attributes.expires ? Date.parse(attributes.expires) : NaN;
  const deleted = (maxAge !== undefined && Number(maxAge) <= 0) || (!Number.isNaN(expires) && expires < Date.now());
  return { name, value, attributes, deleted };
}
