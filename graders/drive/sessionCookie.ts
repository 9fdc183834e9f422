/**
 * Flask's signed session cookie: read it without the secret key, sign one with a key, forge one
 * that Flask must reject.
 *
 * Flask uses itsdangerous' URLSafeTimedSerializer with salt "cookie-session", SHA1 and "hmac"
 * key derivation. A cookie value is `[.]payload.timestamp.signature`:
 *   payload   base64url (no padding) of compact, key-sorted, ASCII-escaped JSON; a leading "."
 *             means the JSON was zlib-compressed because that was shorter
 *   timestamp base64url of the big-endian unix seconds, leading zero bytes stripped
 *   signature base64url of HMAC-SHA1(HMAC-SHA1(secret_key, salt), "[.]payload.timestamp")
 * The payload is signed, not encrypted, which is what lets a grader show what a student stored.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { deflateSync, inflateSync } from "node:zlib";

export interface DecodedSession {
  /** The session dict, with Flask's type tags undone for display (tuple → array, bytes → text…). */
  data: Record<string, unknown>;
  /** The payload was zlib-compressed (the value starts with "."). */
  compressed: boolean;
  /** When Flask signed the cookie, in unix seconds. */
  timestamp: number;
}

const SALT = "cookie-session";
// Flask's TaggedJSONSerializer writes non-JSON Python values as one-key objects with these keys.
const TAGS = new Set([" di", " t", " b", " m", " u", " d"]);
// Cookies are < 4 KB; refuse to inflate a zlib bomb beyond anything Flask could have sent.
const MAX_JSON_BYTES = 1 << 20;
// The walks below recurse once per level of nesting: deeper than any session a lesson app keeps,
// a payload (330 bytes of zlib can hold 100,000 brackets) is not read at all rather than overflow the stack.
const MAX_NESTING = 64;

interface Parts {
  signed: string; // everything the signature covers: `[.]payload.timestamp`
  payload: string; // without the compression dot
  compressed: boolean;
  timestamp: string;
  signature: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

// Python's base64 decoder rejects a length of 4n+1, Node's would quietly accept it.
const isB64 = (s: string) => /^[A-Za-z0-9_-]*$/.test(s) && s.length % 4 !== 1;

function split(value: string): Parts | null {
  const sigDot = value.lastIndexOf(".");
  const tsDot = sigDot > 0 ? value.lastIndexOf(".", sigDot - 1) : -1;
  if (tsDot < 0) return null;
  const compressed = value.startsWith(".");
  const parts = {
    signed: value.slice(0, sigDot),
    payload: value.slice(compressed ? 1 : 0, tsDot),
    compressed,
    timestamp: value.slice(tsDot + 1, sigDot),
    signature: value.slice(sigDot + 1),
  };
  const ok =
    parts.payload !== "" && isB64(parts.payload) && parts.signature !== "" && isB64(parts.signature) &&
    // itsdangerous unpacks the timestamp into 8 bytes; longer is malformed (a JWT lands here).
    isB64(parts.timestamp) && Buffer.from(parts.timestamp, "base64url").length <= 8;
  return ok ? parts : null;
}

/** The cookie's parts, its JSON text and the raw (still tagged) session object. */
function open(value: string): { parts: Parts; json: string; raw: Json } | null {
  const parts = split(value);
  if (!parts) return null;
  try {
    let bytes = Buffer.from(parts.payload, "base64url");
    if (parts.compressed) bytes = inflateSync(bytes, { maxOutputLength: MAX_JSON_BYTES });
    const json = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    if (nesting(json) > MAX_NESTING) return null;
    const raw: unknown = JSON.parse(json);
    return isObject(raw) ? { parts, json, raw } : null;
  } catch {
    return null; // not zlib, not UTF-8 or not JSON: not a Flask session cookie
  }
}

/** How deep arrays and objects nest in JSON text: one pass, brackets inside strings not counted. */
function nesting(json: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Mirrors TaggedJSONSerializer._untag_scan, but produces display values, not Python types. */
function untag(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(untag);
  if (!isObject(value)) return value;
  // Object.fromEntries, not assignment, so a "__proto__" key stays a plain key.
  const obj = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, untag(v)]));
  const keys = Object.keys(obj);
  if (keys.length !== 1 || !TAGS.has(keys[0])) return obj;
  const [tag, inner] = [keys[0], obj[keys[0]]];
  if (tag === " t" && Array.isArray(inner)) return inner;
  if ((tag === " m" || tag === " d") && typeof inner === "string") return inner; // Markup, http-date
  if (tag === " b" && typeof inner === "string") return Buffer.from(inner, "base64").toString("utf8");
  if (tag === " u" && typeof inner === "string" && /^[0-9a-f]{32}$/i.test(inner)) {
    return inner.replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-"); // str(UUID) form
  }
  if (tag === " di" && isObject(inner)) {
    const entries = Object.entries(inner); // { "<key>__": value }
    if (entries.length === 1) return Object.fromEntries([[entries[0][0].slice(0, -2), entries[0][1]]]);
  }
  return obj; // malformed or an app-registered tag: show it as stored
}

/** Mirrors TaggedJSONSerializer.tag for JSON values: a dict whose only key looks like a tag is escaped. */
function tag(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tag);
  if (!isObject(value)) return value;
  const entries = Object.entries(value).map(([k, v]) => [k, tag(v)] as const);
  if (entries.length === 1 && TAGS.has(entries[0][0])) {
    return { " di": Object.fromEntries([[`${entries[0][0]}__`, entries[0][1]]]) };
  }
  return Object.fromEntries(entries);
}

/**
 * JSON as Flask writes it: compact, keys sorted as strings (Python's order, not a JS object's
 * integer-keys-first order) and non-ASCII escaped as \uXXXX (ensure_ascii), so an uncompressed
 * payload is byte-for-byte what Flask would produce. (JS sorts UTF-16 units, Python code points:
 * they differ only for astral vs U+E000+ keys, which changes bytes, not whether Flask accepts it.)
 */
function pyJson(value: unknown): string {
  const dump = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(dump).join(",")}]`;
    if (isObject(v)) {
      return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${dump(v[k])}`).join(",")}}`;
    }
    return JSON.stringify(v) ?? "null";
  };
  return dump(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const b64 = (bytes: Buffer) => bytes.toString("base64url");

/** A text key is signed as its UTF-8 bytes, as itsdangerous does; a bytes key as it is. */
function signature(signed: string, secretKey: string | Buffer): string {
  return b64(createHmac("sha1", derivedKey(secretKey)).update(signed).digest());
}

/**
 * The keys derived so far: a class's forgeries try the same few guessed keys on every app.
 * Bounded (a spec names its keys; this is never a growing store).
 */
const derivedKeys = new Map<string, Buffer>();
const MAX_DERIVED_KEYS = 64;

function derivedKey(secretKey: string | Buffer): Buffer {
  const id = typeof secretKey === "string" ? `text:${secretKey}` : `bytes:${secretKey.toString("hex")}`;
  let derived = derivedKeys.get(id);
  if (!derived) {
    derived = createHmac("sha1", secretKey).update(SALT).digest();
    if (derivedKeys.size >= MAX_DERIVED_KEYS) derivedKeys.clear();
    derivedKeys.set(id, derived);
  }
  return derived;
}

/**
 * The last session payload written: a check forges the same data under several guessed keys,
 * and deflating it (zlib sets up ~256 kB per call) is the dearest part of a signature.
 */
let lastPayload: { json: string; payload: string } | undefined;

/** The payload as itsdangerous writes it: compressed only when that saves at least two bytes (room for the dot). */
function payloadOf(jsonText: string): string {
  if (lastPayload?.json === jsonText) return lastPayload.payload;
  const json = Buffer.from(jsonText);
  const zipped = deflateSync(json);
  const payload = zipped.length < json.length - 1 ? `.${b64(zipped)}` : b64(json);
  lastPayload = { json: jsonText, payload };
  return payload;
}

/** Decodes a Flask session cookie without the key; null if `value` is not one. */
export function decodeSession(value: string): DecodedSession | null {
  const opened = open(value);
  const data = opened && untag(opened.raw);
  if (!opened || !isObject(data)) return null; // e.g. a top-level tuple: Flask could not load it either
  const timestamp = [...Buffer.from(opened.parts.timestamp, "base64url")].reduce((n, b) => n * 256 + b, 0);
  return { data, compressed: opened.parts.compressed, timestamp };
}

/** A cookie Flask accepts when its secret key is `secretKey` (and `timestamp` is within 31 days). */
export function signSession(
  data: Record<string, unknown>,
  secretKey: string | Buffer,
  timestamp: number = Math.floor(Date.now() / 1000),
): string {
  const payload = payloadOf(pyJson(tag(data)));
  const ts: number[] = []; // big-endian, no leading zero bytes (0 becomes an empty string)
  for (let n = Math.floor(timestamp); n > 0; n = Math.floor(n / 256)) ts.unshift(n % 256);
  const signed = `${payload}.${b64(Buffer.from(ts))}`;
  return `${signed}.${signature(signed, secretKey)}`;
}

/**
 * Changes one ASCII letter (inside a string) or digit so the JSON stays valid but says something
 * else. Prefers byte offsets 2 mod 3: such a byte sits in the low six bits of one base64
 * character, and both edits (flip case = bit 0x20, digit + 1) stay inside those bits, so exactly
 * one character of an uncompressed payload changes. Null when there is nothing to change.
 */
function mutate(json: string): string | null {
  const bytes = Buffer.from(json);
  const candidates: number[] = [];
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString && c === 0x5c) i += bytes[i + 1] === 0x75 ? 5 : 1; // skip \n, \uXXXX: same text
    else if (c === 0x22) inString = !inString;
    else if ((inString && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || (c >= 0x30 && c <= 0x39)) candidates.push(i);
  }
  const at = candidates.find((i) => i % 3 === 2) ?? candidates[0];
  if (at === undefined) return null;
  const c = bytes[at];
  // A digit never becomes "0", so a number cannot gain a leading zero.
  bytes[at] = c <= 0x39 ? (c === 0x39 ? 0x38 : c + 1) : c ^ 0x20;
  return bytes.toString("utf8");
}

/**
 * A forgery: a changed payload under the OLD timestamp and signature, which Flask must reject.
 * With `set`, those keys are applied (other keys keep their tags) and the payload is written
 * uncompressed; without, one letter or digit of the data is changed. Null if `value` is not a
 * session cookie.
 */
export function tamperSession(value: string, set?: Record<string, unknown>): string | null {
  const opened = open(value);
  if (!opened || decodeSession(value) === null) return null;
  const { parts, json, raw } = opened;
  let payload: string;
  if (set) {
    const changes = Object.fromEntries(Object.entries(set).map(([k, v]) => [k, tag(v)]));
    const text = Buffer.from(pyJson({ ...raw, ...changes }));
    payload = b64(text);
    // Same data as before gives the same text, which the old signature would still cover:
    // write it compressed instead, so the data reads the same but the signature fails.
    if (payload === parts.payload && !parts.compressed) payload = `.${b64(deflateSync(text))}`;
  } else {
    const text = mutate(json);
    if (text !== null) {
      payload = parts.compressed ? `.${b64(deflateSync(Buffer.from(text)))}` : b64(Buffer.from(text));
    } else {
      // Nothing to edit (e.g. `{}`): change the first character; it may no longer decode.
      payload = `${parts.compressed ? "." : ""}${parts.payload[0] === "A" ? "B" : "A"}${parts.payload.slice(1)}`;
    }
  }
  return `${payload}.${parts.timestamp}.${parts.signature}`;
}

/**
 * Whether the signature is valid for `secretKey` (the age is not checked). Compares decoded
 * bytes as itsdangerous does, so the two unused bits of the last character do not matter.
 */
export function verifySession(value: string, secretKey: string | Buffer): boolean {
  const parts = split(value);
  if (!parts) return false;
  const given = Buffer.from(parts.signature, "base64url");
  const expected = Buffer.from(signature(parts.signed, secretKey), "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
