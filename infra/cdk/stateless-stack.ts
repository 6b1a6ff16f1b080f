import { ArnFormat, CfnOutput, Duration, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import { ApiMapping, type IDomainName } from 'aws-cdk-lib/aws-apigatewayv2';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  type IScheduleGroup,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConfigurationSet, IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StageSettings } from '../../config/stages.js';
import {
  EXTERNAL_ID_INDEX,
  RECONCILE_INDEX,
  STATUS_INDEX,
} from '../../functions/adapters/dynamo-table.js';
import { FarewellAlarms } from './constructs/alarms.js';
import {
  FarewellFunction,
  type FarewellFunctionProps,
  TABLE_ACTIONS,
} from './constructs/farewell-function.js';
import { FarewellHttpApi } from './constructs/http-api.js';
import { StepScheduling } from './constructs/step-scheduling.js';
import { acknowledge } from './nag.js';
import { SES_EVENT_TYPES } from './ses-event-types.js';

/** What the stateless stack uses from the stateful one. */
export interface StatefulResources {
  table: TableV2;
  identity: IEmailIdentity;
  configurationSet: IConfigurationSet;
  scheduleGroup: IScheduleGroup;
  secret: ISecret;
  /** The app's custom domain: the HTTP API is mapped to it here. */
  domainName?: IDomainName | undefined;
  /** `https://<appDomain>`, the base of emailed links; the API's own URL when undefined. */
  linkBaseUrl?: string | undefined;
}

export interface StatelessStackProps extends StackProps {
  stage: StageSettings;
  stateful: StatefulResources;
}

const LOG_RETENTION = RetentionDays.THREE_MONTHS;

/**
 * Everything that can be deleted and redeployed without losing data: the functions, the HTTP API,
 * the schedules' execution role, the dead-letter queue, the SES event rule and the alarms.
 */
export class StatelessStack extends Stack {
  readonly functions: Record<'web' | 'sendStep' | 'sesEvents' | 'reconciler', FarewellFunction>;
  readonly api: FarewellHttpApi;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stage, stateful } = props;
    const serviceName = `farewell-${stage.name}`;

    const deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      deadLetters,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter queue (of send-step, ses-events and the reconciler, of Scheduler and of the SES event rule); a queue behind it would only hide failures from the alarm on its depth.',
    );

    // The send-step ARN is needed by functions and roles created before it: a fixed name gives it.
    const sendStepName = `farewell-${stage.name}-send-step`;
    const sendStepArn = this.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: sendStepName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const scheduling = new StepScheduling(this, 'StepScheduling', {
      group: stateful.scheduleGroup,
      sendStepArn,
      deadLetterQueue: deadLetters,
    });

    const make = (name: string, description: string, extra: Partial<FarewellFunctionProps> = {}) =>
      new FarewellFunction(this, name, {
        entry: name,
        description,
        serviceName,
        logRetention: LOG_RETENTION,
        runtimeVersionArn: stage.runtimeVersionArn,
        sourceMaps: stage.sourceMaps,
        ...extra,
      });
    const web = make('web', 'Farewell HTTP API: webhooks, client pages, console');
    const sendStep = make('send-step', 'Sends one step of an exit when its schedule fires', {
      functionName: sendStepName,
      onFailure: deadLetters,
      // Caps the send rate at what SES accepts: past it, Lambda holds and retries the events.
      reservedConcurrency: stage.sendConcurrency,
    });
    const sesEvents = make('ses-events', 'Records SES bounces, complaints and deliveries', {
      onFailure: deadLetters,
    });
    const reconciler = make('reconcile', 'Daily repair of lost schedules and finished exits', {
      timeout: Duration.minutes(5),
      onFailure: deadLetters,
    });
    this.functions = { web, sendStep, sesEvents, reconciler };

    this.api = new FarewellHttpApi(this, 'Http', {
      web: web.function,
      throttle: stage.throttle,
      logRetention: LOG_RETENTION,
    });
    // Links name the stateful stack's domain, never this stack's execute-api URL, which a replaced
    // stack would change under every link already emailed (stages.ts requires one in production).
    if (stateful.domainName) {
      new ApiMapping(this, 'AppDomainMapping', {
        api: this.api.api,
        domainName: stateful.domainName,
        stage: this.api.stage,
      });
    }
    const publicUrl = stateful.linkBaseUrl ?? this.api.url;

    const environment = this.settings(stage, publicUrl, stateful.configurationSet);
    for (const fn of Object.values(this.functions)) {
      fn.setEnvironment(environment).bindSecret(stateful.secret);
    }
    const indexes = [STATUS_INDEX, EXTERNAL_ID_INDEX];
    const write = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
    // The web function also deletes (a client undoing their unsubscribe) and queries (console).
    web.bindTable(stateful.table, [...write, 'dynamodb:DeleteItem', 'dynamodb:Query'], indexes);
    sendStep.bindTable(stateful.table, [...write]);
    sesEvents.bindTable(stateful.table, [...write]);
    reconciler.bindTable(
      stateful.table,
      ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      [RECONCILE_INDEX],
    );
    // send-step mails clients; web mails the operator about survey answers that need attention.
    for (const fn of [sendStep, web]) {
      fn.grantSendEmail(
        stateful.identity.emailIdentityName,
        stateful.configurationSet.configurationSetName,
      );
    }
    // web notes survey answers on the operator digest: it creates that day's digest schedule.
    scheduling.bind(web, { write: true, delete: true, digest: true });
    scheduling.bind(sendStep, { write: true });
    scheduling.bind(sesEvents, { delete: true });
    scheduling.bind(reconciler, { write: true });

    new Rule(this, 'SesEvents', {
      description: 'Bounces and complaints of Farewell email, to ses-events',
      eventPattern: {
        source: ['aws.ses'],
        detailType: SES_EVENT_TYPES.map((type) => type.detailType),
        detail: {
          mail: {
            tags: { 'ses:configuration-set': [stateful.configurationSet.configurationSetName] },
          },
        },
      },
      targets: [
        new LambdaFunction(sesEvents.function, {
          deadLetterQueue: deadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });

    this.dailyReconcile(reconciler, stateful.scheduleGroup, deadLetters, stage);

    new FarewellAlarms(this, 'Alarms', {
      operatorEmail: stage.operatorEmail,
      deadLetterQueue: deadLetters,
      functions: { Web: web, SendStep: sendStep, SesEvents: sesEvents, Reconciler: reconciler },
      // Not send-step: its reserved concurrency throttles a burst on purpose, and Lambda keeps
      // and retries throttled async events; how long they wait is what matters (eventAge).
      throttles: { Web: web, SesEvents: sesEvents, Reconciler: reconciler },
      // Measured from Scheduler's delivery: events wait in Lambda's queue only while throttled or
      // retried, so half an hour means the sends outrun the concurrency cap or keep failing.
      eventAge: { SendStep: { fn: sendStep, threshold: Duration.minutes(30) } },
      httpApi: this.api.api,
      table: stateful.table,
      tableActions: TABLE_ACTIONS,
      bounceRate: stage.alarms.bounceRate,
      complaintRate: stage.alarms.complaintRate,
    });

    new CfnOutput(this, 'AppUrl', {
      description: 'Farewell (webhooks, client pages)',
      value: publicUrl,
    });
    new CfnOutput(this, 'ConsoleUrl', {
      description: 'Operator console',
      value: `${publicUrl}/admin`,
    });
    new CfnOutput(this, 'WebhookUrl', {
      description: 'Webhook endpoint for your CRM',
      value: `${publicUrl}/webhooks/exits`,
    });
    new CfnOutput(this, 'SecretName', {
      description: 'Webhook secret and keys (JSON) in Secrets Manager',
      value: stateful.secret.secretName,
    });
  }

  /** Settings every function reads (config.ts); none grants anything. */
  private settings(
    stage: StageSettings,
    publicUrl: string,
    configurationSet: IConfigurationSet,
  ): Record<string, string> {
    const optional = (name: string, value: string | undefined) => (value ? { [name]: value } : {});
    return {
      FAREWELL_PUBLIC_URL: publicUrl,
      FAREWELL_FIRM_NAME: stage.firm.name,
      FAREWELL_SENDER_EMAIL: stage.sender.email,
      FAREWELL_SENDER_NAME: stage.sender.name,
      FAREWELL_REPLY_TO: stage.replyTo,
      FAREWELL_OPERATOR_EMAIL: stage.operatorEmail,
      FAREWELL_DIGEST_HOUR: String(stage.digest.hour),
      FAREWELL_OPERATOR_TIMEZONE: stage.digest.timezone ?? stage.defaultTimezone,
      FAREWELL_SES_CONFIGURATION_SET: configurationSet.configurationSetName,
      FAREWELL_DEFAULT_LOCALE: stage.defaultLocale,
      FAREWELL_SEQUENCE: JSON.stringify(stage.sequence),
      FAREWELL_NOTICE_APPROVAL: stage.noticeApproval,
      ...(stage.sendWindowMinutes > 0
        ? { FAREWELL_SEND_WINDOW_MINUTES: String(stage.sendWindowMinutes) }
        : {}),
      ...optional('FAREWELL_SIGNATURE', stage.firm.signature),
      ...optional('FAREWELL_BRAND_LOGO_URL', stage.firm.logoUrl),
      ...optional('FAREWELL_BRAND_ACCENT', stage.firm.accent),
      ...optional('FAREWELL_POSTAL_ADDRESS', stage.firm.postalAddress),
    };
  }

  /** The reconciler's own schedule and role: that role may invoke the reconciler and nothing else. */
  private dailyReconcile(
    reconciler: FarewellFunction,
    group: IScheduleGroup,
    deadLetters: Queue,
    stage: StageSettings,
  ): void {
    const role = new Role(this, 'ReconcileScheduleRole', {
      description: 'Assumed by EventBridge Scheduler to run the daily Farewell reconciler',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    // LambdaInvoke grants the function and its versions (`<arn>:*`): still only the reconciler.
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::<${this.resolve(this.getLogicalId(reconciler.function.node.defaultChild as CfnFunction))}.Arn>:*]`,
      'The daily schedule may invoke the reconciler function and its versions, nothing else.',
    );
    new Schedule(this, 'DailyReconcile', {
      description: 'Repairs lost step schedules and completes finished exits',
      scheduleGroup: group,
      schedule: ScheduleExpression.cron({
        minute: '15',
        hour: '4',
        timeZone: TimeZone.of(stage.defaultTimezone),
      }),
      target: new LambdaInvoke(reconciler.function, {
        role,
        input: ScheduleTargetInput.fromObject({}),
        retryAttempts: 3,
        deadLetterQueue: deadLetters,
      }),
    });
  }
}
