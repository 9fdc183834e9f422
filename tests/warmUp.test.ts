/**
 * The warm-up's request (drive/warmRequest.ts) must really go through node:http and come back:
 * warmUp.ts swallows its errors (a warm-up never fails a grading), so a canned answer that no
 * longer parses would only show as a slower first check. It leaves no socket folder behind.
 */
import { describe, expect, test } from "@jest/globals";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { warmRequest } from "../graders/drive/warmRequest.js";

const warmFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith("autograder-warm-"));

describe("warmRequest", () => {
  test("gets the canned page, its cookie and its text through a browser, and cleans up", async () => {
    const before = warmFolders();
    const response = await warmRequest();
    expect(response.status).toBe(200);
    expect(response.setCookies).toEqual(["session=eyJ2aXNpdHMiOjF9.Z2FtZQ.c2lnbmF0dXJl; HttpOnly; Path=/"]);
    expect(response.text).toBe("Visits Visits: 1");
    expect(warmFolders()).toEqual(before);
  });
});
