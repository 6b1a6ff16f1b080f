import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functionCode, RUNTIME, runtimeManagement } from '../bundling.js';

/** The DynamoDB calls Farewell's adapters make; a function is granted only the ones it uses. */
export const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
] as const;
export type TableAction = (typeof TABLE_ACTIONS)[number];

export interface FarewellFunctionProps {
  /** File name under `functions/lambda/`, e.g. `send-step`. */
  entry: string;
  description: string;
  /** A fixed name, only where something must know the ARN before the function exists. */
  functionName?: string;
  /** `farewell-<stage>`: Powertools service name, metrics namespace dimension. */
  serviceName: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  logRetention: RetentionDays;
  /** An exact runtime version to stay on (stage `runtimeVersionArn`); see `runtimeManagement`. */
  runtimeVersionArn?: string | undefined;
  /** `NODE_OPTIONS=--enable-source-maps` (stage `sourceMaps`); off, cold starts are faster. */
  sourceMaps?: boolean;
  /** Reserved concurrency: at most this many instances at once, kept free of other functions. */
  reservedConcurrency?: number;
  /**
   * For functions invoked asynchronously (Scheduler, EventBridge): retries, then this queue keeps
   * the event. Lambda's own retries come on top of the caller's.
   */
  onFailure?: IQueue;
}

/**
 * A Farewell Lambda with the house defaults: arm64, the newest Node.js runtime (patched on deploy), a minified ESM
 * bundle with source maps beside it, used only when the stage asks (`sourceMaps`) (`bundling.ts`), its own log group with a retention, Powertools settings, and a role of
 * its own that starts empty but for writing to that log group (no managed policy). Resources are
 * bound with `bind*`, which set the environment variable and the grant together.
 */
export class FarewellFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: FarewellFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the Farewell ${props.entry} function`,
    });
    logGroup.grantWrite(this.role);

    this.function = new LambdaFunction(this, 'Function', {
      code: functionCode(props.entry),
      handler: 'index.handler',
      description: props.description,
      ...(props.functionName ? { functionName: props.functionName } : {}),
      runtime: RUNTIME,
      runtimeManagementMode: runtimeManagement(props.runtimeVersionArn),
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup,
      environment: {
        ...(props.sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: 'Farewell',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      ...(props.onFailure
        ? {
            retryAttempts: 2,
            maxEventAge: Duration.hours(6),
            onFailure: new SqsDestination(props.onFailure),
          }
        : {}),
    });
  }

  /** Sets an environment variable (no grant: for values that give no access). */
  setEnvironment(values: Record<string, string>): this {
    for (const [name, value] of Object.entries(values)) this.function.addEnvironment(name, value);
    return this;
  }

  /**
   * The table: `FAREWELL_TABLE_NAME` and exactly the actions given, on the table and, for
   * `Query`, on each named index.
   */
  bindTable(table: ITableV2, actions: TableAction[], indexes: readonly string[] = []): this {
    this.function.addEnvironment('FAREWELL_TABLE_NAME', table.tableName);
    const resources = [table.tableArn];
    if (actions.includes('dynamodb:Query')) {
      resources.push(...indexes.map((index) => `${table.tableArn}/index/${index}`));
    }
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
    return this;
  }

  /** The Farewell secret: `FAREWELL_SECRET_ARN`, and reading that one secret. */
  bindSecret(secret: ISecret): this {
    this.function.addEnvironment('FAREWELL_SECRET_ARN', secret.secretArn);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secret.secretArn],
      }),
    );
    return this;
  }

  /** Sending through one SES identity with one configuration set, and nothing else. */
  grantSendEmail(identityName: string, configurationSetName: string): this {
    const stack = Stack.of(this);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identityName }),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: configurationSetName,
          }),
        ],
      }),
    );
    return this;
  }
}
