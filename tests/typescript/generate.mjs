// TypeScript types for the API, from its OpenAPI document: node generate.mjs URL_OR_FILE schema.d.ts
// openapi-typescript's Node API with two choices: a member with a default stays optional (the document
// serves requests and answers alike, and a request may leave out `view` or `lang`), and an uploaded
// file (a string of format binary) is a Blob, as FormData takes it, rather than a string.
import { writeFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const [source, target] = process.argv.slice(2);
const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const ast = await openapiTS(new URL(source, `file://${process.cwd()}/`), {
  defaultNonNullable: false,
  transform(schema) {
    if (schema.format === "binary") return BLOB;
  },
});
writeFileSync(target, astToString(ast));
