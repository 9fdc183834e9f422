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
  restoreDroppedProperties(schema, program, config.path!);
  return schema;
}

/**
 * ts-json-schema-generator 2.4 silently drops the properties an interface inherits through
 * `extends Omit<…>` (e.g. `Alternative`), and with additionalProperties false the schema would
 * then reject every valid use of them. Compare each object definition with what the TypeScript
 * checker sees, copy a missing property from the interface that declares it, and fail loudly
 * when that is not possible rather than commit a schema that disagrees with types.ts.
 */
function restoreDroppedProperties(schema: Definition, program: ts.Program, typesFile: string): void {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(typesFile);
  if (!source) throw new Error(`${typesFile} is not in the program`);
  const definitions = schema.definitions ?? {};
  for (const statement of source.statements) {
    if (!ts.isInterfaceDeclaration(statement) && !ts.isTypeAliasDeclaration(statement)) continue;
    const name = statement.name.text;
    const def = (name === "Spec" ? schema : definitions[name]) as Definition | undefined;
    if (!def || def.type !== "object" || !def.properties) continue;
    const properties: Record<string, Definition> = {};
    const required = new Set(def.required ?? []);
    for (const symbol of checker.getPropertiesOfType(checker.getTypeAtLocation(statement.name))) {
      const own = def.properties[symbol.name];
      if (own !== undefined) {
        properties[symbol.name] = own as Definition;
        continue;
      }
      const declaredIn = symbol.declarations?.[0]?.parent;
      const from = declaredIn && ts.isInterfaceDeclaration(declaredIn) ? declaredIn.name.text : undefined;
      const copied = from && (definitions[from] as Definition | undefined)?.properties?.[symbol.name];
      if (!copied) throw new Error(`schema generator dropped ${name}.${symbol.name} and it cannot be restored`);
      properties[symbol.name] = copied as Definition;
      if (!(symbol.flags & ts.SymbolFlags.Optional)) required.add(symbol.name);
    }
    def.properties = properties;
    if (required.size > 0) def.required = [...required];
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
