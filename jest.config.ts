import { createDefaultEsmPreset, type JestConfigWithTsJest } from "ts-jest";

// Native ESM (execa 9 is ESM-only); tests import `.js` paths that map back to the `.ts` sources.
const config: JestConfigWithTsJest = {
  ...createDefaultEsmPreset({ tsconfig: "tsconfig.json" }),
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  testTimeout: 60_000,
  // Two test files at a time even on 2 cores (jest's default there is one): most of the suite
  // waits on Flask apps and their limits, so two overlap well (measured: 2m58 s against 4m55 s).
  maxWorkers: 2,
};

export default config;
