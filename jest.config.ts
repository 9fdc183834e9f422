import { createDefaultEsmPreset, type JestConfigWithTsJest } from "ts-jest";

// Native ESM (execa 9 is ESM-only); tests import `.js` paths that map back to the `.ts` sources.
const config: JestConfigWithTsJest = {
  ...createDefaultEsmPreset({ tsconfig: "tsconfig.json" }),
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  testTimeout: 60_000,
};

export default config;
