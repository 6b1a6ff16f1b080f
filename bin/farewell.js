#!/usr/bin/env node
// The `farewell` command: registers tsx so Node runs the TypeScript CLI as it is, then hands over.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
