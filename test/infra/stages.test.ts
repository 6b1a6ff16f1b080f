import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { resolveStage, StageSettingsError, stages } from '../../config/stages.js';
import { addFarewell } from '../../infra/cdk/farewell.js';
import { addNagChecks } from '../../infra/cdk/nag.js';
import { thrownBy } from '../support/thrown.js';

const dev = stages.dev;

function failure(all: Record<string, unknown>, name = 'prod'): string {
  return thrownBy(StageSettingsError, () => resolveStage(name, all)).message;
}

describe('stage settings', () => {
  it('resolve the dev stage with defaults and the stage time zone in the sequence', () => {
    const stage = resolveStage('dev');

    expect(stage.name).toBe('dev');
    expect(stage.mailFromSubdomain).toBe('mail');
    expect(stage.throttle).toEqual({ rateLimit: 25, burstLimit: 50 });
    expect(stage.sequence.defaultTimezone).toBe('Europe/London');
  });

  it('name every missing required value', () => {
    const { sender: _sender, operatorEmail: _operator, ...rest } = dev ?? {};

    const message = failure({ prod: rest });

    expect(message).toContain('stages.prod.sender: is required');
    expect(message).toContain('stages.prod.operatorEmail: is required');
  });

  it('name a bad value with its path', () => {
    const message = failure({ prod: { ...dev, region: 'Ireland', defaultTimezone: 'Mars/Base' } });

    expect(message).toContain('stages.prod.region: must be an AWS region');
    expect(message).toContain('stages.prod.defaultTimezone: must be an IANA time zone');
  });

  it('require the sender to be on the stage domain', () => {
    const message = failure({ prod: { ...dev, sender: { email: 'a@other.example', name: 'A' } } });

    expect(message).toContain('stages.prod.sender.email: must be an address on the stage domain');
  });

  it('name a bad sequence field under the stage', () => {
    const message = failure({ prod: { ...dev, sequence: { checkIns: { everyMonths: 0 } } } });

    expect(message).toContain('stages.prod.sequence.checkIns.everyMonths');
  });

  it('name the known stages when the chosen one does not exist', () => {
    expect(failure({ dev }, 'staging')).toContain(
      'No stage "staging" in config/stages.ts (known: dev)',
    );
  });
});

/** Synthesizes dev (no bundling) into a fresh folder; returns the app and the report's findings. */
function synthDev(): { app: App; findings: string[] } {
  const outdir = mkdtempSync(join(tmpdir(), 'farewell-nag-'));
  try {
    const app = new App({
      outdir,
      builtinCloudFormationValidation: false,
      context: { 'aws:cdk:bundling-stacks': [] },
    });
    addFarewell(app, 'dev');
    try {
      app.synth();
    } catch {
      // Findings fail the synth; the report below lists them.
    }
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: { ruleName: string }[] }[];
    };
    const findings = report.pluginReports.flatMap((r) => r.violations ?? []);
    return { app, findings: findings.map((v) => `AwsSolutions::${v.ruleName}`) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('cdk-nag', () => {
  it('acknowledges exactly the findings the AwsSolutions rules raise, none more', () => {
    const { app } = synthDev();
    const acknowledged = new Set<string>();
    for (const construct of app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const id of Object.keys(entry.data as object)) acknowledged.add(id);
      }
    }
    const acknowledge = Object.getOwnPropertyDescriptor(Validations.prototype, 'acknowledge');
    Validations.prototype.acknowledge = () => {};
    let raised: string[];
    try {
      raised = synthDev().findings;
    } finally {
      if (acknowledge) Object.defineProperty(Validations.prototype, 'acknowledge', acknowledge);
    }

    expect(new Set(raised)).toEqual(acknowledged);
    expect(raised.length).toBeGreaterThan(0);
  });

  it('passes a stage pinned to an account, whose ARNs carry the account id', () => {
    const app = new App({
      builtinCloudFormationValidation: false,
      context: { 'aws:cdk:bundling-stacks': [] },
    });

    addFarewell(app, 'prod', { prod: { ...dev, account: '123456789012' } });

    expect(() => app.synth()).not.toThrow();
  });

  it('fails synth on a finding nobody acknowledged', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Careless');
    const role = new Role(stack, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    role.addToPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    addNagChecks(app);

    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
  });
});
