#!/usr/bin/env node
// The emulator's command line (src/main.ts): the package runs from its TypeScript source, loaded
// through tsx; there is no build step.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const main = path.join(path.dirname(fileURLToPath(import.meta.url)), '../src/main.ts');
await import(pathToFileURL(main).href);
