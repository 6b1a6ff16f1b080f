import { bundleFunction } from './build.js';

/**
 * `node --import tsx infra/cdk/bundle/cli.ts <entry.ts> <outdir>`: what the CDK function
 * construct runs for each function (CDK's local bundling is synchronous; esbuild plugins are not).
 */
const [entry, outdir] = process.argv.slice(2);
if (!entry || !outdir) {
  console.error('usage: cli.ts <entry.ts> <outdir>');
  process.exit(2);
}
await bundleFunction(entry, outdir);
