import type { Template } from 'aws-cdk-lib/assertions';

/** One IAM statement of any policy in a template, with where it was found. */
export interface Statement {
  resource: string;
  type: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Condition?: unknown;
}

const POLICY_DOCUMENTS: Record<string, (props: Record<string, unknown>) => unknown[]> = {
  'AWS::IAM::Policy': (p) => [p.PolicyDocument],
  'AWS::IAM::ManagedPolicy': (p) => [p.PolicyDocument],
  'AWS::IAM::Role': (p) =>
    ((p.Policies as { PolicyDocument: unknown }[]) ?? []).map((x) => x.PolicyDocument),
  'AWS::SQS::QueuePolicy': (p) => [p.PolicyDocument],
  'AWS::SNS::TopicPolicy': (p) => [p.PolicyDocument],
};

/** Every statement of every identity and resource policy in the template. */
export function statements(template: Template): Statement[] {
  const found: Statement[] = [];
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties?: Record<string, unknown> }
  >;
  for (const [id, { Type, Properties }] of Object.entries(resources)) {
    const documents = POLICY_DOCUMENTS[Type]?.(Properties ?? {}) ?? [];
    for (const document of documents) {
      for (const statement of (document as { Statement: Omit<Statement, 'resource' | 'type'>[] })
        .Statement) {
        found.push({ ...statement, resource: id, type: Type });
      }
    }
  }
  return found;
}

export const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Whether a CloudFormation value is an ARN: a literal `arn:…`, a `Fn::Join` that starts with one,
 * `Fn::GetAtt …Arn`, a `Ref` of a resource whose Ref is its ARN, or an import of such a value.
 */
export function isArn(value: unknown, templates: Template[]): boolean {
  if (typeof value === 'string') return value.startsWith('arn:');
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  if ('Fn::GetAtt' in v) return (v['Fn::GetAtt'] as string[])[1] === 'Arn';
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return (
      separator === '' && parts.length > 0 && (parts[0] === 'arn:' || isArn(parts[0], templates))
    );
  }
  if ('Ref' in v) {
    const type = resourceType(v.Ref as string, templates);
    return type === 'AWS::SecretsManager::Secret' || type === 'AWS::SNS::Topic';
  }
  if ('Fn::ImportValue' in v) {
    const exported = exportedValue(v['Fn::ImportValue'] as string, templates);
    return exported !== undefined && isArn(exported, templates);
  }
  return false;
}

function resourceType(logicalId: string, templates: Template[]): string | undefined {
  for (const template of templates) {
    const resource = (template.toJSON().Resources as Record<string, { Type: string }>)[logicalId];
    if (resource) return resource.Type;
  }
  return undefined;
}

function exportedValue(name: string, templates: Template[]): unknown {
  for (const template of templates) {
    const outputs = (template.toJSON().Outputs ?? {}) as Record<
      string,
      { Value: unknown; Export?: { Name: string } }
    >;
    for (const output of Object.values(outputs))
      if (output.Export?.Name === name) return output.Value;
  }
  return undefined;
}

/** Logical ids of the resources of a type whose properties satisfy `test`. */
export function findIds(
  template: Template,
  type: string,
  test: (properties: Record<string, unknown>) => boolean,
): string[] {
  const resources = template.findResources(type) as Record<
    string,
    { Properties: Record<string, unknown> }
  >;
  return Object.entries(resources)
    .filter(([, resource]) => test(resource.Properties))
    .map(([id]) => id);
}

/** What CloudFormation would make of a value, with made-up but well-formed ids and ARNs. */
export function evaluate(value: unknown, region: string): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Ref' in v) {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::AccountId': '123456789012',
      'AWS::Region': region,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    return pseudo[v.Ref as string] ?? `${String(v.Ref).toLowerCase()}`;
  }
  if ('Fn::GetAtt' in v) {
    const [id, attribute] = (v['Fn::GetAtt'] as string[]).map((x) => String(x).toLowerCase());
    if (attribute === 'apiendpoint') return `https://${id}.execute-api.${region}.amazonaws.com`;
    if (attribute === 'arn') return `arn:aws:resource:${region}:123456789012:${id}`;
    return `${id}-${attribute}`;
  }
  if ('Fn::ImportValue' in v) {
    const name = String(v['Fn::ImportValue']);
    return /Arn|RefKeys/.test(name)
      ? `arn:aws:imported:${region}:123456789012:${name.length}`
      : 'imported-name';
  }
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => evaluate(part, region)).join(separator);
  }
  throw new Error(`Cannot evaluate ${JSON.stringify(value)}`);
}
