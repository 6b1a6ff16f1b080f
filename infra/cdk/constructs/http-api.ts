import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

export interface FarewellHttpApiProps {
  web: IFunction;
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
}

/**
 * The HTTP API: every method and path goes to the web function through the `$default` route
 * (routing is the web handler's job, so new pages need no infra change), on a `$default` stage
 * with throttling and access logs.
 */
export class FarewellHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: FarewellHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'Farewell: webhooks, client pages and the operator console',
      defaultIntegration: new HttpLambdaIntegration('Web', props.web),
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // The route key, never the path: paths carry signed client tokens (/s/…, /u/…).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTimeEpoch',
            method: '$context.httpMethod',
            route: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    (this.stage.node.defaultChild as CfnStage).node.addDependency(accessLogs);
    for (const route of this.api.node.findAll()) {
      if (route.node.id === 'DefaultRoute') {
        acknowledge(
          route,
          'AwsSolutions-APIG4',
          'Every request is authorized by the web function itself: webhooks by Standard Webhooks HMAC signatures, client links by signed expiring tokens, the console by its own sign-in; an IAM or JWT authorizer cannot serve a public unsubscribe link.',
        );
      }
    }
  }

  /** https://…; no trailing slash. */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
