/**
 * Loads a spec file: YAML with positions, then JSON Schema (specs/schema.json, generated from
 * types.ts), then the semantic rules. Every problem becomes one SpecError with a line, a column
 * and a sentence a teacher can act on.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve as resolvePath } from "node:path";
import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv";
import { LineCounter, parseDocument } from "yaml";
import { SpecError } from "../errors.js";
import { packageFile } from "../paths.js";
import { pointerToPath, SpecSource, type Path } from "./position.js";
import { checkRules, closest, didYouMean, idProblem } from "./rules.js";
import { knownValid, rememberValid, validationKey } from "./validated.js";
import { noteWarnings } from "./warnings.js";
import type { SetupStep, Spec } from "./types.js";

export async function loadSpec(file: string): Promise<Spec> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new SpecError(file, 0, 0, `cannot read the spec (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  return loadSpecText(text, file);
}

/** Parses and checks a spec's text; `file` is only used in messages. Returns the data as written (no defaults filled in). */
export function loadSpecText(text: string, file: string): Spec {
  const lines = new LineCounter(); // one per parse: a LineCounter accumulates every text it sees
  // merge: `<<: *base` reuses a block written once; specs already share blocks with anchors.
  const doc = parseDocument(text, { lineCounter: lines, merge: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const at = syntax.linePos?.[0];
    // `title: Log in: then out` — YAML reads the second ": " as the start of a nested mapping.
    if (syntax.code === "BLOCK_AS_IMPLICIT_KEY") throw new SpecError(file, at?.line ?? 0, at?.col ?? 0, UNQUOTED_COLON);
    // yaml appends " at line L, column C:" and a code frame; the SpecError carries the position.
    throw new SpecError(file, at?.line ?? 0, at?.col ?? 0, `invalid YAML: ${syntax.message.split(" at line ")[0]}`);
  }
  const src = new SpecSource(file, doc, lines);
  const spec = withScriptPaths(validateSpec(doc.toJS(), src), file, src);
  noteWarnings(spec, src);
  return spec;
}

/** Said where text holds ": " without quotes, so YAML took it for a key and its value. */
const UNQUOTED_COLON =
  'this text contains ": ", which YAML reads as a key and its value: put this text in quotes, e.g. title: "Log in: then out"';

/**
 * A step's `script` and a setup step's `pythonFile` (the spec's or a check's) are written relative
 * to the spec; the grader gets them absolute. Hidden checks (spec/hidden.ts) have no file of their
 * own: theirs are relative to the spec they join. An absolute path stays as it is, so applying
 * this twice changes nothing. With `src`, a `pythonFile` that is not there is a SpecError at it.
 */
export function withScriptPaths(spec: Spec, file: string, src?: SpecSource): Spec {
  for (const check of spec.checks ?? []) {
    for (const step of check.steps ?? []) if (step.script !== undefined) step.script = resolvePath(dirname(resolvePath(file)), step.script);
  }
  const setupLists: Array<[SetupStep[] | undefined, Path]> = [[spec.setup, ["setup"]], ...(spec.checks ?? []).map((c, i): [SetupStep[] | undefined, Path] => [c.setup, ["checks", i, "setup"]])];
  for (const [steps, at] of setupLists) {
    (steps ?? []).forEach((step, s) => {
      if (step.pythonFile === undefined) return;
      const written = step.pythonFile;
      step.pythonFile = resolvePath(dirname(resolvePath(file)), written);
      if (src && !existsSync(step.pythonFile)) throw src.error([...at, s, "pythonFile"], `there is no setup script ${written} next to the spec (${step.pythonFile})`);
    });
  }
  return spec;
}

/**
 * Schema and rules on spec data already parsed; `src` points each problem back into the text the
 * data came from (a spec merged from several texts passes a source that knows which is which).
 */
export function validateSpec(data: unknown, src: SpecSource): Spec {
  const key = validationKey(schemaText(), data);
  const known = knownValid(key);
  if (!known) {
    const validate = validator();
    if (!validate(data)) throw schemaError(validate.errors ?? [], data, src);
  }
  checkRules(data as Spec, src);
  if (!known) rememberValid(key); // a memo rewritten at every load costs a file write and rename
  return data as Spec;
}

let compiled: ValidateFunction | undefined;
/** Schema objects by definition name, to tell from an error's parentSchema what it was about. */
const definitionNames = new Map<unknown, string>();

let schemaSource: string | undefined;

function schemaText(): string {
  if (schemaSource !== undefined) return schemaSource;
  const file = packageFile("specs/schema.json");
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build && npm run schema`);
  return (schemaSource = readFileSync(file, "utf8"));
}

/**
 * Compiled once per process and only when needed (see validated.ts): importing and compiling
 * costs ~150 ms, validating a spec well under one. ajv is CommonJS, so it loads lazily with require.
 */
function validator(): ValidateFunction {
  if (compiled) return compiled;
  const { Ajv } = createRequire(import.meta.url)("ajv") as typeof import("ajv");
  const schema = JSON.parse(schemaText()) as { definitions?: Record<string, object> };
  definitionNames.set(schema, "Spec");
  for (const [name, definition] of Object.entries(schema.definitions ?? {})) definitionNames.set(definition, name);
  // allErrors: to choose the most helpful error ourselves. verbose: parentSchema lists the allowed keys
  // and says which definition failed (schemaPath does not: ajv inlines small definitions).
  // optimize: false halves compile time (~95 ms instead of ~170 ms here); validating a spec
  // stays in the microseconds, so the grader's start-up wins.
  const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, code: { optimize: false } });
  return (compiled = ajv.compile(schema));
}

// ---- from ajv's errors to one sentence ----

/** What each definition of the schema is called in a message. Others fall back to their key. */
const NOUNS: Record<string, string> = {
  Spec: "the spec", Limits: "limits", Check: "a check", Step: "a step", Request: "a request",
  CookieToSet: "setCookie", SessionTamper: "tamperSession", SessionForgery: "forgeSession", KeyGuesses: "guessKeys",
  Expectations: "expect", ExpectationsBase: "expect", Alternative: "an anyOf alternative", TextExpectation: "text",
  CaptureRef: "a capture reference", TextMatchRule: "a text rule", SetCookieExpectation: "a setCookies entry",
  JarExpectation: "a jar entry", SessionExpectation: "session", CapturedExpectation: "a captured entry",
  Capture: "a capture", QuizQuestion: "a question", HtmlExpectation: "an html entry", BodyExpectation: "body",
  StructureExpectation: "json", FilledText: "filled text ({ f: ... })",
  FollowLink: "follow", FormSubmission: "submit", FieldFill: "a field to fill",
};

const TYPES: Record<string, string> = {
  string: "text", number: "a number", integer: "a whole number", boolean: "true/false",
  null: "empty", object: "a mapping (key: value)", array: "a list",
};

/** Higher wins among errors about the same node: a typo explains a missing key and a type mismatch. */
const PRIORITY: Record<string, number> = { additionalProperties: 4, required: 3, enum: 2, const: 2, type: 0 };
const priority = (error: ErrorObject): number => PRIORITY[error.keyword] ?? 1;
const depth = (error: ErrorObject): number => pointerToPath(error.instancePath).length;

interface Candidate {
  error: ErrorObject;
  /** Other type errors about the same node, from the other branches of an anyOf. */
  types: ErrorObject[];
}

function schemaError(errors: ErrorObject[], data: unknown, src: SpecSource): SpecError {
  const candidates = collapseAnyOf(errors);
  // First in the file wins, judged by the mapping or list that is wrong; then the most helpful kind.
  const rank = (c: Candidate): number[] => {
    const path = pointerToPath(c.error.instancePath);
    const key = c.error.keyword === "additionalProperties" ? [...path, c.error.params.additionalProperty as string] : path;
    return [src.offset(path), -priority(c.error), src.offset(key, "key")];
  };
  const [best] = candidates.sort((a, b) => compare(rank(a), rank(b)));
  if (!best) return src.error([], "the spec does not match specs/schema.json");
  return describe(best, data, src);
}

/**
 * ajv reports every failing branch of an anyOf, then the anyOf itself. Keep one error per anyOf:
 * the one about the deepest node (the branch that got furthest), preferring a typo or a missing
 * key over "wrong type" noise from branches that never fitted.
 */
function collapseAnyOf(errors: ErrorObject[]): Candidate[] {
  const result: Candidate[] = [];
  for (let i = errors.length - 1; i >= 0; i--) {
    const error = errors[i]!;
    if (error.keyword !== "anyOf") {
      result.push({ error, types: errors.filter((e) => e.keyword === "type" && e.instancePath === error.instancePath) });
      continue;
    }
    let start = i;
    while (start > 0 && within(errors[start - 1]!.instancePath, error.instancePath)) start--;
    const branches = errors.slice(start, i).filter((e) => e.keyword !== "anyOf");
    const best = branches.sort((a, b) => depth(b) - depth(a) || priority(b) - priority(a))[0];
    if (best) result.push({ error: best, types: branches.filter((e) => e.keyword === "type" && e.instancePath === best.instancePath) });
    i = start;
  }
  return result;
}

const within = (path: string, parent: string): boolean => path === parent || path.startsWith(parent + "/");

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function describe({ error, types }: Candidate, data: unknown, src: SpecSource): SpecError {
  const path = pointerToPath(error.instancePath);
  const value = path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], data);
  const name = label(path);
  switch (error.keyword) {
    case "additionalProperties": {
      const key = error.params.additionalProperty as string;
      const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      const help = closest(key, allowed) ? didYouMean(key, allowed) : `; allowed here: ${allowed.join(", ")}`;
      return src.error([...path, key], `unknown key "${key}" in ${noun(error, path)}${help}`, "key");
    }
    case "required":
      return src.error(path, `${noun(error, path)} needs "${error.params.missingProperty as string}"`);
    case "type": {
      const expected = [...new Set(types.flatMap(typeWords))];
      const quote = expected.includes("text") && (typeof value === "number" || typeof value === "boolean") ? " (put it in quotes)" : "";
      if (value === null && path.length === 0) return src.error(path, "the file is empty");
      const empty = value === null ? " (it is empty)" : "";
      // `hint:` then an indented `Tip: ...` line: the text became a mapping because of its ": ".
      if (expected.length === 1 && expected[0] === "text" && isMapping(value)) return src.error(path, `${name} became a mapping, not text: ${UNQUOTED_COLON}`);
      return src.error(path, `${name} must be ${orList(expected)}${quote}${empty}`);
    }
    case "enum": {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const hint = typeof value === "string" ? didYouMean(value, allowed) : "";
      return src.error(path, `${name} must be one of ${allowed.map((v) => `"${v}"`).join(", ")}${hint}`);
    }
    case "const":
      return src.error(path, `${name} must be ${JSON.stringify(error.params.allowedValue)}`);
    case "pattern":
      if (path.at(-1) === "id" && typeof value === "string") return src.error(path, idProblem(path.length === 1 ? "the exercise id" : "a check id", value));
      return src.error(path, `${name} must match ${error.params.pattern as string}`);
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const words = { minimum: "at least", maximum: "at most", exclusiveMinimum: "more than", exclusiveMaximum: "less than" };
      return src.error(path, `${name} must be ${words[error.keyword]} ${error.params.limit as number}`);
    }
    default:
      return src.error(path, `${name} ${error.message ?? "is not valid"}`);
  }
}

/** `"points"`, `item 2 of "needs"`, or `the spec`. */
function label(path: Path): string {
  const last = path[path.length - 1];
  if (last === undefined) return "the spec";
  if (/^\d+$/.test(String(last))) {
    const parent = path[path.length - 2];
    return `item ${Number(last) + 1} of ${parent === undefined ? "the list" : `"${parent}"`}`;
  }
  return `"${last}"`;
}

/** "a step", from the schema definition the error comes from. */
function noun(error: ErrorObject, path: Path): string {
  const definition = definitionNames.get(error.parentSchema);
  const fallback = [...path].reverse().find((key) => !/^\d+$/.test(String(key)));
  return (definition && NOUNS[definition]) ?? (fallback === undefined ? "the spec" : `"${fallback}"`);
}

function typeWords(error: ErrorObject): string[] {
  // A branch `{ $ref: CaptureRef }` fails with "must be object"; say what kind of object.
  if (definitionNames.get(error.parentSchema) === "CaptureRef") return ["a capture reference like { capture: name }"];
  return String(error.params.type).split(",").map((type) => TYPES[type] ?? type);
}

function orList(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "something else") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

function isMapping(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
