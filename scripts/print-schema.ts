// Prints the GraphQL schema to schema.graphql (committed). With --check, fails when the file is stale.
import "reflect-metadata";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { printSchema } from "graphql";
import { buildGraphQLSchema } from "../src/resolvers/build-schema";

async function main(): Promise<void> {
  const file = join(__dirname, "..", "..", "schema.graphql");
  const printed = printSchema(await buildGraphQLSchema()) + "\n";
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(file, "utf8");
    } catch {
      // missing counts as stale
    }
    if (current !== printed) {
      process.stderr.write("schema.graphql is stale: run `npm run schema` and commit the result\n");
      process.exit(1);
    }
    process.stdout.write("schema.graphql is up to date\n");
    return;
  }
  writeFileSync(file, printed);
  process.stdout.write(`wrote ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
