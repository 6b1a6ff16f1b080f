import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FarewellFunction } from './farewell-function.js';

export interface FarewellAlarmsProps {
  operatorEmail: string;
  deadLetterQueue: IQueue;
  functions: Record<string, FarewellFunction>;
  /** Fractions: 0.05 is 5 %. */
  bounceRate: number;
  complaintRate: number;
}

/**
 * What wakes the operator: anything in the dead-letter queue, any function error, and the SES
 * account's bounce and complaint rates nearing the levels at which SES reviews or pauses sending.
 * Each alarm emails the operator through one topic.
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

    const alarm = (name: string, metric: Metric, threshold: number, description: string) => {
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
