import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge, nagResourceFinding } from '../nag.js';
import type { FarewellFunction } from './farewell-function.js';

/** Step schedules are named `fw-<exit>-<step>` (eventbridge-step-scheduler.ts). */
const STEP_SCHEDULE_PREFIX = 'fw-';
/** Digest schedules are named `fwd-<operator key>-<day>` (eventbridge-digest-scheduler.ts). */
const DIGEST_SCHEDULE_PREFIX = 'fwd-';

export interface StepSchedulingProps {
  group: IScheduleGroup;
  /** The send-step function's ARN, known before the function (it has a fixed name). */
  sendStepArn: string;
  deadLetterQueue: IQueue;
}

/** What a function does with step schedules; each gets only the actions it needs. */
export interface SchedulingUse {
  /** Create and repair schedules (Create, Get, Update, and passing the execution role). */
  write?: boolean;
  /** Delete schedules (cancel, pause, stop after a bounce). */
  delete?: boolean;
  /** List schedules (the reconciler's one listing instead of one call per step). */
  list?: boolean;
  /** Create the operator digest's day schedules (Create only: a day's schedule is never changed). */
  digest?: boolean;
}

/**
 * The step schedules: the execution role EventBridge Scheduler assumes, which may invoke only the
 * send-step function and write only to the dead-letter queue, and the grants that let a function
 * manage the `fw-*` schedules of the group.
 */
export class StepScheduling extends Construct {
  readonly executionRole: Role;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: StepSchedulingProps,
  ) {
    super(scope, id);
    const stack = Stack.of(this);
    this.executionRole = new Role(this, 'ExecutionRole', {
      description: 'Assumed by EventBridge Scheduler to deliver Farewell step schedules',
      // Only schedules of this account may use it (confused-deputy guard).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    this.executionRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.sendStepArn] }),
    );
    props.deadLetterQueue.grantSendMessages(this.executionRole);
  }

  /** The settings `config.ts` reads, and the schedule actions `use` names. */
  bind(fn: FarewellFunction, use: SchedulingUse): void {
    const stack = Stack.of(this);
    const { group, sendStepArn, deadLetterQueue } = this.props;
    fn.setEnvironment({
      FAREWELL_SCHEDULE_GROUP: group.scheduleGroupName,
      FAREWELL_SEND_STEP_ARN: sendStepArn,
      FAREWELL_SCHEDULER_ROLE_ARN: this.executionRole.roleArn,
      FAREWELL_SCHEDULER_DLQ_ARN: deadLetterQueue.queueArn,
    });
    const stepSchedules = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${group.scheduleGroupName}/${STEP_SCHEDULE_PREFIX}*`,
    });
    const actions = [
      ...(use.write
        ? ['scheduler:CreateSchedule', 'scheduler:GetSchedule', 'scheduler:UpdateSchedule']
        : []),
      ...(use.delete ? ['scheduler:DeleteSchedule'] : []),
    ];
    if (actions.length > 0) {
      fn.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [stepSchedules] }));
      acknowledge(
        fn.role,
        nagResourceFinding(stack, stepSchedules),
        'Step schedules are created at run time, one per step, named fw-<exit>-<step>: the grant covers exactly the fw- schedules of the Farewell group.',
      );
    }
    if (use.digest) {
      const digestSchedules = stack.formatArn({
        service: 'scheduler',
        resource: 'schedule',
        resourceName: `${group.scheduleGroupName}/${DIGEST_SCHEDULE_PREFIX}*`,
      });
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['scheduler:CreateSchedule'],
          resources: [digestSchedules],
        }),
      );
      acknowledge(
        fn.role,
        nagResourceFinding(stack, digestSchedules),
        'Digest schedules are created at run time, one per operator and day, named fwd-<operator>-<day>: the grant covers exactly the fwd- schedules of the Farewell group.',
      );
    }
    if (use.write || use.digest) {
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [this.executionRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        }),
      );
    }
    if (use.list) {
      // ListSchedules cannot be scoped to a group: IAM authorizes it against every schedule of the
      // account and region, so a group ARN would refuse it. The call passes GroupName and the
      // fw- prefix, so it only ever reads Farewell's step schedules.
      const allSchedules = stack.formatArn({
        service: 'scheduler',
        resource: 'schedule',
        resourceName: '*/*',
      });
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['scheduler:ListSchedules'], resources: [allSchedules] }),
      );
      acknowledge(
        fn.role,
        nagResourceFinding(stack, allSchedules),
        'ListSchedules is authorized against every schedule of the account and region, whatever group the call names; it reads names only, and the call is limited to the fw- schedules of the Farewell group.',
      );
    }
  }
}
