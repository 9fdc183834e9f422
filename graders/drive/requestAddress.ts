/**
 * Where a request goes, as node:http's options: exactly what `http.request(new URL(path,
 * baseUrl))` would make of it, without parsing a URL per request. A plain path (letters, digits
 * and the punctuation the URL parser leaves alone; no dot segment, no escape, no empty query, no
 * leading `//`, which the parser would read as a host) is taken as it is, with the target's host
 * parsed once; any other path goes through the URL parser, as before.
 *
 * `servername: ""` spares the agent its question whether the host is an IP address: the answer
 * is a TLS setting, which plain HTTP never reads, and its first call compiles a large pattern.
 */
import type { RequestOptions } from "node:http";
import { urlToHttpOptions } from "node:url";

const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9.\-_~!$&()*+,;=:@/]*(?:\?[A-Za-z0-9.\-_~!$&()*+,;=:@/?]+)?$/;

type Host = Pick<RequestOptions, "protocol" | "hostname" | "port">;
const hosts = new Map<string, Host>();

export function addressOf(baseUrl: string, path: string): RequestOptions & { servername: string } {
  if (!PLAIN_PATH.test(path) || path.includes("/.")) return { ...urlToHttpOptions(new URL(path, baseUrl)), servername: "" };
  let host = hosts.get(baseUrl);
  if (!host) {
    const { protocol, hostname, port } = urlToHttpOptions(new URL(baseUrl));
    host = { protocol, hostname, ...(port !== undefined && { port }) };
    if (hosts.size < 1000) hosts.set(baseUrl, host); // one per app's port: bounded all the same
  }
  return { ...host, path, servername: "" };
}
