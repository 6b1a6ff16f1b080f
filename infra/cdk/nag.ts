import { type App, ArnFormat, type Stack, Token, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Runs the AwsSolutions rule pack on every stack of the app at synth. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/**
 * Acknowledges one cdk-nag finding on one construct (and its children). `id` names the finding
 * exactly, e.g. `AwsSolutions-IAM5[Resource::…]`; the reason says why it is right here.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  // Qualified with the plugin's namespace, as the synth report asks for it.
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${id}`, reason });
}

/**
 * The id cdk-nag gives an IAM5 finding on a wildcard resource ARN built with `formatArn`:
 * pseudo-parameters read `<AWS::Partition>`, `<AWS::AccountId>`, `<AWS::Region>`.
 */
export function nagResourceFinding(stack: Stack, arn: string): string {
  const pseudo = (value: string, name: string) =>
    Token.isUnresolved(value) ? `<AWS::${name}>` : value;
  const parts = stack.splitArn(arn, ArnFormat.SLASH_RESOURCE_NAME);
  const resource = [parts.resource, parts.resourceName].filter(Boolean).join('/');
  return `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:${parts.service}:${pseudo(stack.region, 'Region')}:${pseudo(stack.account, 'AccountId')}:${resource}]`;
}
