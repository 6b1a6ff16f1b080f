import { CfnOutput, CustomResource, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { DomainName, EndpointType, SecurityPolicy } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Certificate,
  CertificateValidation,
  type ICertificate,
} from 'aws-cdk-lib/aws-certificatemanager';
import {
  AttributeType,
  Billing,
  ProjectionType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  DkimIdentity,
  EasyDkimSigningKeyLength,
  EmailIdentity,
  EventDestination,
  Identity,
  MailFromBehaviorOnMxFailure,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import type { StageSettings } from '../../config/stages.js';
import {
  EXTERNAL_ID_INDEX,
  RECONCILE_INDEX,
  STATUS_INDEX,
  STATUS_INDEX_ATTRIBUTES,
} from '../../functions/adapters/dynamo-table.js';
import { FarewellFunction } from './constructs/farewell-function.js';
import { acknowledge } from './nag.js';
import { SES_EVENT_TYPES } from './ses-event-types.js';

/**
 * The top-level attribute DynamoDB expires items by (epoch seconds): short-lived items such as the
 * console's sign-in attempt counters set it. Exits and suppressions never do.
 */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface StatefulStackProps extends StackProps {
  stage: StageSettings;
}

/**
 * What holds data or identity and must outlive any deploy: the table, the SES identity and
 * configuration set, the schedule group, and the secret. Retained when the stack is deleted.
 */
export class StatefulStack extends Stack {
  readonly table: TableV2;
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  readonly scheduleGroup: ScheduleGroup;
  readonly secret: Secret;
  /** The app's custom domain, when the stage names one; the stateless stack maps the API to it. */
  readonly domainName: DomainName | undefined;
  /**
   * The base of every emailed link: `https://<appDomain>`, a literal owned by this stack, so it
   * outlives any stateless redeploy. Undefined without a custom domain (non-production stages).
   */
  readonly linkBaseUrl: string | undefined;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { stage } = props;

    // Keys and indexes exactly as functions/adapters/dynamo-table.ts defines them for dynalite.
    this.table = new TableV2(this, 'Exits', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      globalSecondaryIndexes: [
        {
          indexName: STATUS_INDEX,
          partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
          sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
          // Not the timeline: it grows with every step and only the exit's own page reads it.
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...STATUS_INDEX_ATTRIBUTES],
        },
        {
          indexName: EXTERNAL_ID_INDEX,
          partitionKey: { name: 'gsi2pk', type: AttributeType.STRING },
          sortKey: { name: 'gsi2sk', type: AttributeType.STRING },
          projectionType: ProjectionType.KEYS_ONLY,
        },
        {
          indexName: RECONCILE_INDEX,
          partitionKey: { name: 'gsi3pk', type: AttributeType.STRING },
          sortKey: { name: 'gsi3sk', type: AttributeType.STRING },
          projectionType: ProjectionType.KEYS_ONLY,
        },
      ],
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: TableEncryptionV2.awsManagedKey(),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
    });
    // EventBridge's default bus rather than SNS: no topic to encrypt or pay for, and a rule can
    // filter on the configuration set and retry into the dead-letter queue by itself.
    new ConfigurationSetEventDestination(this, 'EmailEvents', {
      configurationSet: this.configurationSet,
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'Default', 'default')),
      events: SES_EVENT_TYPES.map((type) => type.event),
    });

    const mailFromDomain = `${stage.mailFromSubdomain}.${stage.domain}`;
    this.identity = new EmailIdentity(this, 'Domain', {
      identity: Identity.domain(stage.domain),
      configurationSet: this.configurationSet,
      dkimSigning: true,
      dkimIdentity: DkimIdentity.easyDkim(EasyDkimSigningKeyLength.RSA_2048_BIT),
      mailFromDomain,
      // Before the MAIL FROM MX record is published (or while it is broken), SES sends from its
      // default MAIL FROM instead of rejecting: mail still goes, SPF-aligned once DNS is done.
      mailFromBehaviorOnMxFailure: MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
    });
    this.identity.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.scheduleGroup = new ScheduleGroup(this, 'Steps', {
      // A fixed name: IAM grants and the reconciler's listing name it.
      scheduleGroupName: `farewell-${stage.name}`,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.secret = this.keys(stage);
    this.domainName = stage.appDomain ? this.appDomain(stage.appDomain, stage) : undefined;
    this.linkBaseUrl = stage.appDomain ? `https://${stage.appDomain}` : undefined;
    this.dnsOutputs(stage, mailFromDomain);
  }

  /**
   * The certificate (the stage's, or one requested here and validated by DNS) and the regional
   * API Gateway domain name, both retained: links already emailed name this domain.
   */
  private appDomain(appDomain: string, stage: StageSettings): DomainName {
    let certificate: ICertificate;
    if (stage.certificateArn) {
      certificate = Certificate.fromCertificateArn(this, 'AppCertificate', stage.certificateArn);
    } else {
      const requested = new Certificate(this, 'AppCertificate', {
        domainName: appDomain,
        // No hosted zone: the validation CNAME is added at the DNS host by hand (ACM shows it).
        validation: CertificateValidation.fromDns(),
      });
      requested.applyRemovalPolicy(RemovalPolicy.RETAIN);
      certificate = requested;
    }
    const domainName = new DomainName(this, 'AppDomain', {
      domainName: appDomain,
      certificate,
      endpointType: EndpointType.REGIONAL,
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    domainName.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new CfnOutput(this, 'AppDomainCname', {
      description: 'App domain: CNAME record (or an alias to this target) for emailed links',
      value: `${appDomain} CNAME ${domainName.regionalDomainName}`,
    });
    return domainName;
  }

  /**
   * One secret, a JSON object with the three keys. Secrets Manager generates the suppression key;
   * a one-shot custom resource adds the webhook secret and link key in their formats, and never
   * replaces a value the operator set.
   */
  private keys(stage: StageSettings): Secret {
    const secret = new Secret(this, 'Keys', {
      description: 'Farewell webhook secrets, link-signing keys and suppression key (JSON)',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'FAREWELL_SUPPRESSION_KEY',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      secret,
      'AwsSolutions-SMG4',
      'Rotation is an operator step: the webhook secret is shared with the CRM and old link keys must keep verifying, so new values are added beside old ones (space-separated), never swapped in by a schedule.',
    );

    const completer = new FarewellFunction(this, 'CompleteKeys', {
      entry: 'complete-secret',
      description: 'Fills missing keys of the Farewell secret on deploy (custom resource)',
      serviceName: `farewell-${stage.name}`,
      logRetention: RetentionDays.ONE_MONTH,
      runtimeVersionArn: stage.runtimeVersionArn,
      sourceMaps: stage.sourceMaps,
    });
    completer.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        resources: [secret.secretArn],
      }),
    );
    const completed = new CustomResource(this, 'CompletedKeys', {
      serviceToken: completer.function.functionArn,
      resourceType: 'Custom::FarewellKeys',
      properties: { SecretArn: secret.secretArn, Keys: 'v1' },
    });
    // Invoked only once its role may read and write the secret.
    completed.node.addDependency(completer);
    return secret;
  }

  /** The DNS records to add at the domain's DNS host, printed after each deploy. */
  private dnsOutputs(stage: StageSettings, mailFromDomain: string): void {
    this.identity.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `DkimCname${index + 1}`, {
        description: `DKIM: CNAME record ${index + 1} of 3 (name → value)`,
        value: `${record.name} CNAME ${record.value}`,
      });
    });
    new CfnOutput(this, 'MailFromMx', {
      description: 'Custom MAIL FROM: MX record',
      value: `${mailFromDomain} MX 10 feedback-smtp.${this.region}.amazonses.com`,
    });
    new CfnOutput(this, 'MailFromSpf', {
      description: 'Custom MAIL FROM: SPF TXT record',
      value: `${mailFromDomain} TXT "v=spf1 include:amazonses.com ~all"`,
    });
    new CfnOutput(this, 'DmarcSuggestion', {
      description: 'DMARC TXT record to start with (monitor, then tighten to quarantine/reject)',
      value: `_dmarc.${stage.domain} TXT "v=DMARC1; p=none; rua=mailto:${stage.operatorEmail}"`,
    });
  }
}
