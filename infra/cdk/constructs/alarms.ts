import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
  Unit,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FarewellFunction, TableAction } from './farewell-function.js';

export interface FarewellAlarmsProps {
  operatorEmail: string;
  deadLetterQueue: IQueue;
  functions: Record<string, FarewellFunction>;
  /** Functions whose throttles mean a caller was refused or a run was lost. */
  throttles: Record<string, FarewellFunction>;
  /**
   * Functions invoked asynchronously, with how long an event may wait in Lambda's queue (throttled
   * or retried) before someone should look.
   */
  eventAge: Record<string, { fn: FarewellFunction; threshold: Duration }>;
  httpApi: IHttpApi;
  table: TableV2;
  /** Every operation the functions make on the table. */
  tableActions: readonly TableAction[];
  /** Fractions: 0.05 is 5 %. */
  bounceRate: number;
  complaintRate: number;
}

/**
 * What wakes the operator: anything in the dead-letter queue, any function error or throttle,
 * send-step events waiting long, API 5xx, DynamoDB throttling, and the SES account's bounce and
 * complaint rates nearing the levels at which SES reviews or pauses sending. Each alarm emails the
 * operator through the stage's one topic.
 */
export class FarewellAlarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: FarewellAlarmsProps) {
    super(scope, id);
    // No customer key: notifications carry alarm names and values only, and CloudWatch cannot
    // publish to a topic under the AWS-managed key; a key would be the idle deployment's only cost.
    this.topic = new Topic(this, 'Topic', { displayName: 'Farewell alarms', enforceSSL: true });
    this.topic.addSubscription(new EmailSubscription(props.operatorEmail));
    const action = new SnsAction(this.topic);

    const alarm = (name: string, metric: IMetric, threshold: number, description: string) => {
      const created = new Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      return created;
    };

    alarm(
      'DeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      1,
      'A step, SES event or reconciler run failed after every retry and waits in the dead-letter queue.',
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${name}Errors`,
        fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        1,
        `The ${name} function failed.`,
      );
    }
    for (const [name, fn] of Object.entries(props.throttles)) {
      alarm(
        `${name}Throttles`,
        fn.function.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        1,
        `The ${name} function was throttled: the account's Lambda concurrency is used up elsewhere.`,
      );
    }
    for (const [name, { fn, threshold }] of Object.entries(props.eventAge)) {
      alarm(
        `${name}EventAge`,
        fn.function.metric('AsyncEventAge', {
          period: Duration.minutes(5),
          statistic: 'Maximum',
          unit: Unit.MILLISECONDS,
        }),
        threshold.toMilliseconds(),
        `${name} events waited over ${threshold.toMinutes()} minutes to run (throttled or failing and retried): emails go out late.`,
      );
    }
    alarm(
      'ApiServerErrors',
      props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      1,
      'The HTTP API answered 5xx: a webhook, client page or console request failed.',
    );
    // One alarm over every operation: each throttled request counts once, whether the table or an
    // index refused it. FILL: an operation without requests in a period counts 0, not missing.
    const operations = props.tableActions.map((action) => action.replace('dynamodb:', ''));
    const throttled = Object.fromEntries(
      operations.map((operation) => [
        operation.toLowerCase(),
        props.table.metricThrottledRequestsForOperation(operation, {
          period: Duration.minutes(5),
          statistic: 'Sum',
        }),
      ]),
    );
    alarm(
      'TableThrottles',
      new MathExpression({
        expression: `SUM([${Object.keys(throttled)
          .map((id) => `FILL(${id}, 0)`)
          .join(', ')}])`,
        usingMetrics: throttled,
        label: 'Throttled requests, all operations',
        period: Duration.minutes(5),
      }),
      1,
      'DynamoDB throttled requests to the exits table: writes are retried, but a hot key or a burst is outrunning on-demand capacity.',
    );
    const reputation = (metricName: string) =>
      new Metric({
        namespace: 'AWS/SES',
        metricName,
        period: Duration.hours(1),
        statistic: 'Maximum',
      });
    alarm(
      'BounceRate',
      reputation('Reputation.BounceRate'),
      props.bounceRate,
      'SES bounce rate is high: SES reviews an account at 5 % and may pause sending at 10 %.',
    );
    alarm(
      'ComplaintRate',
      reputation('Reputation.ComplaintRate'),
      props.complaintRate,
      'SES complaint rate is high: SES reviews an account at 0.1 % and may pause sending at 0.5 %.',
    );
  }
}
