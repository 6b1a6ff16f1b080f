import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stages } from '../../config/stages.js';
import { type Synthesized, synthFarewell } from './support/synth.js';
import { asList, evaluate, findIds, isArn, statements } from './support/template-facts.js';

/** Synthesized once (no bundling, cdk-nag included) and shared by every test of this file. */
let synthesized: Synthesized;
let stateful: Template;
let stateless: Template;
let templates: Template[];

beforeAll(() => {
  synthesized = synthFarewell({ full: false });
  ({ stateful, stateless } = synthesized);
  templates = [stateful, stateless];
}, 60_000);

afterAll(() => synthesized.remove());

describe('functions', () => {
  it('run every function on arm64 and the newest Node.js, with Powertools', () => {
    for (const template of templates) {
      const functions = template.findResources('AWS::Lambda::Function');
      expect(Object.keys(functions).length).toBeGreaterThan(0);
      template.allResourcesProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: Match.anyValue() },
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_SERVICE_NAME: 'farewell-dev',
            POWERTOOLS_METRICS_NAMESPACE: 'Farewell',
          }),
        },
      });
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
    }
  });

  it('start Node without --enable-source-maps unless the stage asks for it (it slows every cold start)', () => {
    const nodeOptions = (template: Template) =>
      Object.values(template.findResources('AWS::Lambda::Function')).map(
        (fn) =>
          (fn as { Properties: { Environment?: { Variables?: Record<string, unknown> } } })
            .Properties.Environment?.Variables?.NODE_OPTIONS,
      );
    for (const template of templates) {
      expect(new Set(nodeOptions(template))).toEqual(new Set([undefined]));
    }

    const mapped = synthFarewell({
      full: false,
      stage: 'mapped',
      stages: { mapped: { ...stages.dev, sourceMaps: true } },
    });
    try {
      for (const template of [mapped.stateful, mapped.stateless]) {
        expect(new Set(nodeOptions(template))).toEqual(new Set(['--enable-source-maps']));
      }
    } finally {
      mapped.remove();
    }
  }, 60_000);

  it('has four application functions, each reading the secret at cold start', () => {
    const withSecret = findIds(stateless, 'AWS::Lambda::Function', (p) =>
      JSON.stringify(p).includes('FAREWELL_SECRET_ARN'),
    );
    expect(withSecret).toHaveLength(4);
    const reads = statements(stateless).filter((s) =>
      asList(s.Action).includes('secretsmanager:GetSecretValue'),
    );
    expect(reads).toHaveLength(4);
  });

  it('sends failed async invocations of send-step to the encrypted, TLS-only dead-letter queue', () => {
    const queue = new Capture();
    stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^sendstep') },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: queue } },
    });
    const [queueId] = Object.keys(stateless.findResources('AWS::SQS::Queue'));
    expect(queue.asObject()).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    stateless.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('least privilege', () => {
  it('allows no wildcard action anywhere', () => {
    for (const template of templates) {
      for (const statement of statements(template).filter((s) => s.Effect === 'Allow')) {
        for (const action of asList(statement.Action)) {
          expect(action, `${statement.resource}: ${action}`).not.toMatch(/\*/);
        }
      }
    }
  });

  it('scopes every allowed resource to an ARN', () => {
    for (const template of templates) {
      for (const statement of statements(template).filter((s) => s.Effect === 'Allow')) {
        for (const resource of asList(statement.Resource)) {
          expect(resource).not.toBe('*');
          expect(
            isArn(resource, templates),
            `${statement.resource}: ${JSON.stringify(resource)}`,
          ).toBe(true);
        }
      }
    }
  });

  it('lets the Scheduler execution role invoke send-step and nothing else', () => {
    const [roleId] = findIds(stateless, 'AWS::IAM::Role', (p) =>
      String(p.Description).includes('step schedules'),
    );
    stateless.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('step schedules'),
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
    const granted = statements(stateless).filter((s) =>
      JSON.stringify(stateless.toJSON().Resources[s.resource]).includes(`"Ref":"${roleId}"`),
    );
    const invokes = granted.filter((s) => asList(s.Action).some((a) => a.startsWith('lambda:')));
    expect(invokes).toHaveLength(1);
    expect(invokes[0]?.Action).toBe('lambda:InvokeFunction');
    expect(evaluate(invokes[0]?.Resource, 'eu-west-1')).toBe(
      'arn:aws:lambda:eu-west-1:123456789012:function:farewell-dev-send-step',
    );
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'farewell-dev-send-step',
    });
    const others = granted.flatMap((s) => asList(s.Action)).filter((a) => !a.startsWith('lambda:'));
    expect(others.every((a) => a.startsWith('sqs:'))).toBe(true);
  });

  it('passes only the Scheduler execution role, and only to Scheduler', () => {
    const passes = statements(stateless).filter((s) => asList(s.Action).includes('iam:PassRole'));
    expect(passes.length).toBeGreaterThan(0);
    for (const pass of passes) {
      expect(pass.Resource).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^StepSchedulingExecutionRole/), 'Arn'],
      });
      expect(pass.Condition).toEqual({
        StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
      });
    }
  });

  it('lets functions manage only the fw- schedules of the Farewell group', () => {
    const scheduling = statements(stateless).filter(
      (s) =>
        asList(s.Action).some(
          (a) => a.startsWith('scheduler:') && a !== 'scheduler:ListSchedules',
        ) && !JSON.stringify(s.Resource).includes('/fwd-'),
    );
    expect(scheduling.length).toBe(4);
    for (const statement of scheduling) {
      expect(evaluate(statement.Resource, 'eu-west-1')).toBe(
        'arn:aws:scheduler:eu-west-1:123456789012:schedule/farewell-dev/fw-*',
      );
    }
  });

  it('lets only web create the digest schedules, fwd- of the Farewell group, and nothing more', () => {
    const digest = statements(stateless).filter((s) =>
      JSON.stringify(s.Resource).includes('/fwd-'),
    );
    expect(digest).toHaveLength(1);
    expect(digest[0]?.resource).toMatch(/^webRole/);
    expect(digest[0]?.Action).toBe('scheduler:CreateSchedule');
    expect(evaluate(digest[0]?.Resource, 'eu-west-1')).toBe(
      'arn:aws:scheduler:eu-west-1:123456789012:schedule/farewell-dev/fwd-*',
    );
  });

  it('lets only send-step and web send email, through the one identity and configuration set', () => {
    const sends = statements(stateless).filter((s) =>
      asList(s.Action).some((a) => a.startsWith('ses:')),
    );
    const roles = sends.map((s) => s.resource).sort();
    expect(roles).toEqual([
      expect.stringMatching(/^sendstepRole/),
      expect.stringMatching(/^webRole/),
    ]);
    for (const send of sends) {
      expect(send.Action).toBe('ses:SendEmail');
      expect(asList(send.Resource).map((r) => evaluate(r, 'eu-west-1'))).toEqual([
        'arn:aws:ses:eu-west-1:123456789012:identity/imported-name',
        'arn:aws:ses:eu-west-1:123456789012:configuration-set/imported-name',
      ]);
    }
  });

  it('lets the daily schedule invoke only the reconciler', () => {
    const target = new Capture();
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(15 4 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
      Target: { Arn: target, RoleArn: Match.anyValue(), DeadLetterConfig: Match.anyValue() },
    });
    const reconcilerId = (target.asObject() as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Daily repair'),
    });
    const invokes = statements(stateless).filter((s) =>
      asList(s.Action).includes('lambda:InvokeFunction'),
    );
    const others = invokes.filter((s) => !JSON.stringify(s.Resource).includes('send-step'));
    expect(others).toHaveLength(1);
    expect(JSON.stringify(others[0]?.Resource)).toContain(String(reconcilerId));
  });
});

describe('HTTP API and events', () => {
  it('sends every route to the web function through the $default route', () => {
    stateless.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [Match.stringLikeRegexp('^web'), 'Arn'] },
    });
  });

  it('throttles the default stage and logs access without paths', () => {
    const format = new Capture();
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: format },
    });
    expect(format.asString()).toContain('$context.routeKey');
    expect(format.asString()).not.toContain('$context.path');
  });

  it('routes bounces and complaints (not deliveries) to ses-events, retrying into the dead-letter queue', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ses'],
        'detail-type': ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [Match.anyValue()] } } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^sesevents'), 'Arn'] },
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
        }),
      ],
    });
  });

  it('alarms on dead letters, function errors, bounce and complaint rates', () => {
    const alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: { MetricName: string; Threshold: number; AlarmActions: unknown[] };
    }[];
    const byMetric = (name: string) => alarms.filter((a) => a.Properties.MetricName === name);
    expect(byMetric('ApproximateNumberOfMessagesVisible')).toHaveLength(1);
    expect(byMetric('Errors')).toHaveLength(4);
    expect(byMetric('Reputation.BounceRate')[0]?.Properties.Threshold).toBe(0.05);
    expect(byMetric('Reputation.ComplaintRate')[0]?.Properties.Threshold).toBe(0.001);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    stateless.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'operator@example.com',
    });
  });

  it('holds nothing that bills while idle beyond the secret and the alarms', () => {
    for (const template of templates) {
      for (const type of [
        'AWS::EC2::NatGateway',
        'AWS::EC2::Instance',
        'AWS::Lambda::Version',
        'AWS::KMS::Key',
        'AWS::RDS::DBInstance',
      ]) {
        template.resourceCountIs(type, 0);
      }
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));
      for (const fn of functions)
        expect(JSON.stringify(fn)).not.toContain('ProvisionedConcurrency');
    }
  });
});
