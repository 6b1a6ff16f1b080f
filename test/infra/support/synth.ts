import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addFarewell, type Farewell } from '../../../infra/cdk/farewell.js';

export interface Synthesized {
  farewell: Farewell;
  outdir: string;
  stateful: Template;
  stateless: Template;
  remove(): void;
}

export interface SynthOptions {
  full: boolean;
  /** The stage to synthesize (default dev) and the settings to read it from (config/stages.ts). */
  stage?: string;
  stages?: Record<string, unknown>;
}

/**
 * Synthesizes a stage (dev unless named) into a fresh folder, cdk-nag included (synth throws on an
 * error-level finding). `full: false` skips esbuild (the templates are the same but for asset
 * hashes) and CDK's built-in CloudFormation schema validation, which alone takes most of a synth's
 * time; `full: true` is what `npm run synth` does.
 */
export function synthFarewell(options: SynthOptions): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'farewell-cdk-'));
  const app = new App({
    outdir,
    builtinCloudFormationValidation: options.full,
    ...(options.full ? {} : { context: { 'aws:cdk:bundling-stacks': [] } }),
  });
  const farewell = addFarewell(app, options.stage ?? 'dev', options.stages);
  app.synth();
  return {
    farewell,
    outdir,
    stateful: Template.fromStack(farewell.stateful),
    stateless: Template.fromStack(farewell.stateless),
    remove: () => rmSync(outdir, { recursive: true, force: true }),
  };
}
