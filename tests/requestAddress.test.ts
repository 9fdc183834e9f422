/**
 * drive/requestAddress.ts takes plain paths as they are: for every path, what it gives node:http
 * must be what the URL parser gives (the path the app sees, and the Host header it is sent with).
 */
import { describe, expect, test } from "@jest/globals";
import { urlToHttpOptions } from "node:url";
import { addressOf } from "../graders/drive/requestAddress.js";

const BASES = ["http://student.localhost", "http://127.0.0.1:5123", "http://[::1]:8080"];

const HAND_PICKED = [
  "/", "/visit", "/a/b/c", "/style.css", "/a.", "/a..", "/.", "/..", "/./x", "/../x", "/a/./b", "/a/../b",
  "/a/%2e%2e/b", "/%2E", "//evil.example/x", "/x?", "/x??", "/x?a=1&b=2", "/x?a=/../b", "/x?a=b c", "/a b",
  "/x#frag", "/x?#", "/a\\b", "/a\tb", "/a\nb", "/caf\u00e9", "/x?q=\u00e9", "/x?q='", "/x'", "/x\"", "/x<y>",
  "/x`{}|^[]", "/login?next=/dashboard", "/~user/(1)*+,;=:@!$", "/x?a?b", "/%", "/%zz", "/%41",
];

/** Every short path over an alphabet of the characters that matter (deterministic, no randomness). */
function* shortPaths(): Generator<string> {
  const alphabet = ["a", ".", "/", "?", "%", "2", "e", "#", " ", "'", "\\", "é", "&", "="];
  for (const a of alphabet) for (const b of alphabet) for (const c of alphabet) yield `/${a}${b}${c}`;
}

/** What node:http is given (or that nothing is: the old code threw on an invalid URL too). */
function options(make: () => { protocol?: string | null; hostname?: string | null; port?: number | string | null; path?: string | null }) {
  try {
    const o = make();
    return { protocol: o.protocol, hostname: o.hostname, port: o.port, path: o.path };
  } catch (err) {
    return { throws: (err as Error).name };
  }
}

const viaUrl = (base: string, path: string) => options(() => urlToHttpOptions(new URL(path, base)));
const viaAddress = (base: string, path: string) => options(() => addressOf(base, path));

describe("addressOf", () => {
  test.each(BASES)("gives node:http what the URL parser gives, for hand-picked paths on %s", (base) => {
    for (const path of HAND_PICKED) expect([path, viaAddress(base, path)]).toEqual([path, viaUrl(base, path)]);
  });

  test.each(BASES)("gives node:http what the URL parser gives, for every short path on %s", (base) => {
    for (const path of shortPaths()) expect([path, viaAddress(base, path)]).toEqual([path, viaUrl(base, path)]);
  });

  test("takes a plain path as it is, and never asks the agent for a server name", () => {
    expect(addressOf("http://student.localhost", "/visit?n=1")).toEqual({ protocol: "http:", hostname: "student.localhost", path: "/visit?n=1", servername: "" });
    expect(addressOf("http://127.0.0.1:5123", "/a/../b")).toMatchObject({ path: "/b", port: 5123, servername: "" });
  });
});
