import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../../functions/adapters/dynamo-table.js';
import type { Farewell } from '../../infra/cdk/farewell.js';
import { type Synthesized, synthFarewell } from './support/synth.js';

/** Synthesized once (no bundling, cdk-nag included) and shared by every test of this file. */
let synthesized: Synthesized;
let farewell: Farewell;
let stateful: Template;

beforeAll(() => {
  synthesized = synthFarewell({ full: false });
  ({ farewell, stateful } = synthesized);
}, 60_000);

afterAll(() => synthesized.remove());

describe('stateful stack', () => {
  it('keeps exits in an on-demand table with PITR and deletion protection, retained', () => {
    stateful.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });

  it('gives the table the keys and indexes the local table definition has', () => {
    const local = tableDefinition('any');
    stateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: local.KeySchema,
      AttributeDefinitions: Match.arrayWith(local.AttributeDefinitions ?? []),
      GlobalSecondaryIndexes: local.GlobalSecondaryIndexes,
    });
  });

  it('projects into the status index what the lists read, never the timeline', () => {
    const indexes = new Capture();
    stateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: indexes,
    });
    const byStatus = (indexes.asArray() as { IndexName: string; Projection: unknown }[]).find(
      (index) => index.IndexName === 'byStatus',
    );
    expect(byStatus?.Projection).toEqual({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: expect.arrayContaining(['id', 'status', 'client', 'steps', 'searchText']),
    });
    expect(JSON.stringify(byStatus?.Projection)).not.toContain('timeline');
  });

  it('verifies the sender domain with 2048-bit Easy DKIM and a custom MAIL FROM that falls back to the default while its MX is missing', () => {
    stateful.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'farewell.example.com',
      DkimAttributes: { SigningEnabled: true },
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      MailFromAttributes: {
        MailFromDomain: 'mail.farewell.example.com',
        // Until the MAIL FROM MX record is published, mail still goes out (from amazonses.com).
        BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
      },
      ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
    });
  });

  it('suppresses bounces and complaints and publishes only bounces and complaints to EventBridge (deliveries cost an invocation per email)', () => {
    stateful.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
    const bus = new Capture();
    stateful.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        EventBridgeDestination: { EventBusArn: bus },
      },
    });
    expect(JSON.stringify(bus.asObject())).toContain(':event-bus/default');
  });

  it('holds the keys in one generated, retained secret that a custom resource completes', () => {
    stateful.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        GenerateSecretString: Match.objectLike({ GenerateStringKey: 'FAREWELL_SUPPRESSION_KEY' }),
      }),
    });
    const [secretId] = Object.keys(stateful.findResources('AWS::SecretsManager::Secret'));
    stateful.hasResourceProperties('Custom::FarewellKeys', { SecretArn: { Ref: secretId } });
  });

  it('prints the DNS records to add: DKIM CNAMEs, MAIL FROM MX and SPF, DMARC', () => {
    const outputs = stateful.toJSON().Outputs as Record<string, { Value: unknown }>;
    for (const n of [1, 2, 3]) {
      expect(JSON.stringify(outputs[`DkimCname${n}`]?.Value)).toContain(`DkimDNSTokenName${n}`);
    }
    expect(outputs.MailFromMx?.Value).toBe(
      'mail.farewell.example.com MX 10 feedback-smtp.eu-west-1.amazonses.com',
    );
    expect(outputs.MailFromSpf?.Value).toContain('"v=spf1 include:amazonses.com ~all"');
    expect(outputs.DmarcSuggestion?.Value).toMatch(
      /^_dmarc\.farewell\.example\.com TXT "v=DMARC1;/,
    );
  });

  it('creates the step schedule group under a fixed name', () => {
    stateful.hasResource('AWS::Scheduler::ScheduleGroup', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ Name: 'farewell-dev' }),
    });
  });
});

describe('cdk-nag', () => {
  it('reports no finding left unacknowledged', () => {
    const report = JSON.parse(
      readFileSync(join(synthesized.outdir, 'validation-report.json'), 'utf8'),
    ) as {
      pluginReports: { violations?: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it('gives every acknowledgement its own specific reason', () => {
    const acknowledged: [string, string][] = [];
    for (const stack of [farewell.stateful, farewell.stateless]) {
      for (const construct of stack.node.findAll()) {
        for (const entry of construct.node.metadata) {
          if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
          acknowledged.push(...Object.entries(entry.data as Record<string, string>));
        }
      }
    }
    const ids = acknowledged.map(([id]) => id.replace(/\[.*\]$/, '[…]'));
    expect(new Set(ids)).toEqual(
      new Set([
        'AwsSolutions::AwsSolutions-SMG4',
        'AwsSolutions::AwsSolutions-SQS3',
        'AwsSolutions::AwsSolutions-APIG4',
        'AwsSolutions::AwsSolutions-IAM5[…]',
      ]),
    );
    for (const [, reason] of acknowledged) expect(reason.length).toBeGreaterThan(60);
  });
});
