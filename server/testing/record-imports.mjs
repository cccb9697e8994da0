// Loaded with `node --import` by tests: appends the URL of every module the process resolves
// to the file named by RECORD_IMPORTS_TO, so a test can tell what a process has loaded.
import fs from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env.RECORD_IMPORTS_TO;
const seen = new Set();
if (file) {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      if (!seen.has(resolved.url)) {
        seen.add(resolved.url);
        fs.appendFileSync(file, `${resolved.url}\n`);
      }
      return resolved;
    },
  });
}
