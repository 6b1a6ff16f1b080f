import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStage, StageSettingsError, stages } from '../../config/stages.js';
import { thrownBy } from '../support/thrown.js';
import { type Synthesized, synthFarewell } from './support/synth.js';

const RUNTIME_VERSION =
  'arn:aws:lambda:eu-west-1::runtime:8eeff65f6809a3ce81507fe733fe09b835899b99481ba22fd75b5a7338290ec1';

interface AlarmProperties {
  MetricName?: string;
  Namespace?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[];
  Threshold: number;
  AlarmActions: unknown[];
}

let synthesized: Synthesized;
let stateless: Template;
let alarms: AlarmProperties[];

beforeAll(() => {
  synthesized = synthFarewell({ full: false });
  ({ stateless } = synthesized);
  alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm')).map(
    (alarm) => alarm.Properties as AlarmProperties,
  );
}, 60_000);

afterAll(() => synthesized.remove());

/** The logical id of the function whose description matches. */
function functionId(description: RegExp): string {
  const [id] = Object.entries(stateless.findResources('AWS::Lambda::Function'))
    .filter(([, fn]) => description.test(String(fn.Properties?.Description)))
    .map(([id]) => id);
  if (!id) throw new Error(`no function ${description}`);
  return id;
}

describe('runtime', () => {
  it('applies runtime patches only with a deploy of the function, on a fixed major version', () => {
    for (const template of [synthesized.stateful, stateless]) {
      template.allResourcesProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        RuntimeManagementConfig: { UpdateRuntimeOn: 'FunctionUpdate' },
      });
    }
  });

  it('pins the exact runtime version a stage names', () => {
    const pinned = synthFarewell({
      full: false,
      stage: 'pinned',
      stages: { pinned: { ...stages.dev, runtimeVersionArn: RUNTIME_VERSION } },
    });
    try {
      for (const template of [pinned.stateful, pinned.stateless]) {
        template.allResourcesProperties('AWS::Lambda::Function', {
          RuntimeManagementConfig: {
            UpdateRuntimeOn: 'Manual',
            RuntimeVersionArn: RUNTIME_VERSION,
          },
        });
      }
    } finally {
      pinned.remove();
    }
  });

  it('refuses a runtime version ARN that is not one', () => {
    const message = thrownBy(StageSettingsError, () =>
      resolveStage('dev', { dev: { ...stages.dev, runtimeVersionArn: 'nodejs24.x' } }),
    ).message;

    expect(message).toContain('stages.dev.runtimeVersionArn: must be a Lambda runtime version ARN');
  });
});

describe('alarms', () => {
  it('alarm on throttles of every function invoked synchronously or by the daily schedule', () => {
    const throttled = alarms
      .filter((a) => a.MetricName === 'Throttles' && a.Namespace === 'AWS/Lambda')
      .map((a) => JSON.stringify(a.Dimensions));

    expect(throttled).toHaveLength(3);
    for (const name of [/^Farewell HTTP API/, /^Records SES/, /^Daily repair/]) {
      expect(throttled.some((d) => d.includes(functionId(name)))).toBe(true);
    }
  });

  it('alarm when send-step events wait too long in the async queue', () => {
    const age = alarms.filter((a) => a.MetricName === 'AsyncEventAge');

    expect(age).toHaveLength(1);
    expect(JSON.stringify(age[0]?.Dimensions)).toContain(functionId(/^Sends one step/));
    expect(age[0]?.Threshold).toBe(30 * 60_000);
  });

  it('alarm on server errors of the HTTP API', () => {
    const [apiId] = Object.keys(stateless.findResources('AWS::ApiGatewayV2::Api'));
    const errors = alarms.filter((a) => a.MetricName === '5xx');

    expect(errors).toHaveLength(1);
    expect(errors[0]?.Namespace).toBe('AWS/ApiGateway');
    expect(errors[0]?.Dimensions).toEqual([{ Name: 'ApiId', Value: { Ref: apiId } }]);
  });

  it('alarm on DynamoDB throttling of every operation the functions make', () => {
    const throttling = alarms.filter((a) =>
      a.Metrics?.some((m) => m.MetricStat?.Metric.MetricName === 'ThrottledRequests'),
    );

    expect(throttling).toHaveLength(1);
    const operations = JSON.stringify(throttling[0]?.Metrics);
    for (const operation of ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query']) {
      expect(operations).toContain(`"Value":"${operation}"`);
    }
    expect(throttling[0]?.Metrics?.find((m) => m.Expression)?.Expression).toMatch(/FILL/);
  });

  it('send every alarm to the stage alarm topic', () => {
    const [topicId] = Object.keys(stateless.findResources('AWS::SNS::Topic'));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.anyValue() });
  });
});

describe('sending rate', () => {
  /** Reserved concurrency and send window of each application function, by description. */
  function sending(
    template: Template,
  ): { description: string; reserved: unknown; window: unknown }[] {
    return Object.values(template.findResources('AWS::Lambda::Function'))
      .filter((fn) => fn.Properties?.Environment?.Variables?.FAREWELL_SECRET_ARN !== undefined)
      .map((fn) => ({
        description: String(fn.Properties.Description),
        reserved: fn.Properties.ReservedConcurrentExecutions,
        window: fn.Properties.Environment.Variables.FAREWELL_SEND_WINDOW_MINUTES,
      }));
  }

  it('caps send-step at the stage send concurrency, 10 by default, and only send-step', () => {
    const functions = sending(stateless);

    expect(functions).toHaveLength(4);
    for (const fn of functions) {
      expect(fn.reserved).toBe(/^Sends one step/.test(fn.description) ? 10 : undefined);
    }
  });

  it('spreads planned steps over the stage send window, 20 minutes by default', () => {
    for (const fn of sending(stateless)) expect(fn.window).toBe('20');
  });

  it('takes both from the stage settings; a window of 0 sends at the exact time', () => {
    const custom = synthFarewell({
      full: false,
      stage: 'slow',
      stages: { slow: { ...stages.dev, sendConcurrency: 4, sendWindowMinutes: 0 } },
    });
    try {
      const functions = sending(custom.stateless);
      const sendStep = functions.find((fn) => /^Sends one step/.test(fn.description));
      expect(sendStep?.reserved).toBe(4);
      for (const fn of functions) expect(fn.window).toBeUndefined();
    } finally {
      custom.remove();
    }
  });

  it('refuses a send window Scheduler does not take', () => {
    const message = thrownBy(StageSettingsError, () =>
      resolveStage('dev', { dev: { ...stages.dev, sendWindowMinutes: 2000 } }),
    ).message;

    expect(message).toContain('stages.dev.sendWindowMinutes');
  });
});
