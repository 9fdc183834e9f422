/**
 * Generates `specs/schema.json` from the `Spec` type in graders/spec/types.ts.
 *
 * Dev-time only: ts-json-schema-generator and typescript are devDependencies, so nothing the
 * grader runs may import this file. The loader reads the committed specs/schema.json instead,
 * and a test keeps that file equal to a fresh generation.
 */
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  createFormatter,
  createParser,
  createProgram,
  DEFAULT_CONFIG,
  SchemaGenerator,
  type CompletedConfig,
  type Definition,
} from "ts-json-schema-generator";
import ts from "typescript";

/** The folder holding package.json: this file runs from scripts/ (ts-jest) and dist/scripts/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("package.json not found above " + import.meta.url);
    dir = parent;
  }
  return dir;
}

export function generateSchema(): object {
  const root = packageRoot();
  const config: CompletedConfig = {
    ...DEFAULT_CONFIG,
    path: join(root, "graders/spec/types.ts"),
    tsconfig: join(root, "tsconfig.json"),
    type: "Spec",
    jsDoc: "extended", // keeps descriptions, @default, @minimum, @maximum
    additionalProperties: false, // a typo in a key is an error, not an ignored key
    topRef: false, // the root is the Spec object itself, so `title` is not a sibling of a $ref
    sortProps: false, // keys in the order of types.ts, which is the order teachers read them in
    skipTypeCheck: true, // `tsc --noEmit` type-checks; this saves most of the generation time
  };
  const program = createProgram(config);
  const generator = new SchemaGenerator(program, createParser(program, config), createFormatter(config), config);
  const { $schema, ...rest } = generator.createSchema("Spec");
  const schema = { $schema, title: "Exercise spec for the Flask sessions autograder", ...rest };
  assertNoDroppedProperties(schema, program, config.path!);
  return schema;
}

/**
 * ts-json-schema-generator 2.4 silently drops properties inherited through `extends Omit<…>`;
 * with additionalProperties false the schema would then reject valid specs. types.ts avoids such
 * types (see ExpectationsBase); this guard stops generation if one comes back, rather than commit
 * a schema that disagrees with types.ts.
 */
function assertNoDroppedProperties(schema: Definition, program: ts.Program, typesFile: string): void {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(typesFile);
  if (!source) throw new Error(`${typesFile} is not in the program`);
  const definitions = schema.definitions ?? {};
  for (const statement of source.statements) {
    if (!ts.isInterfaceDeclaration(statement)) continue;
    const name = statement.name.text;
    const def = (name === "Spec" ? schema : definitions[name]) as Definition | undefined;
    if (!def || def.type !== "object" || !def.properties) continue;
    for (const symbol of checker.getPropertiesOfType(checker.getTypeAtLocation(statement.name))) {
      if (def.properties[symbol.name] === undefined) throw new Error(`the schema generator dropped ${name}.${symbol.name}`);
    }
  }
}

/** The exact text committed as specs/schema.json: 2-space JSON and a final newline. */
export function schemaText(): string {
  return JSON.stringify(generateSchema(), null, 2) + "\n";
}

export const schemaFile = (): string => join(packageRoot(), "specs", "schema.json");

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(schemaFile(), schemaText());
  console.log(`wrote ${schemaFile()}`);
}
