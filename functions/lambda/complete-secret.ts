import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { completeSecret } from '../adapters/secrets.js';

const client = new SecretsManagerClient({});

/**
 * Fills the keys a secret lacks (`completeSecret`), never replacing one: a replaced custom resource
 * or a stack update cannot rotate keys behind the operator's back.
 */
async function fill(secretArn: string): Promise<void> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const completed = completeSecret(SecretString);
  if (completed) {
    await client.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: completed }));
  }
}

/**
 * CloudFormation custom resource (invoked directly, no provider framework): completes the Farewell
 * secret on create and update, does nothing on delete (the secret is retained), and answers on
 * the pre-signed response URL. The answer carries no secret value.
 */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<void> {
  const secretArn = String(event.ResourceProperties.SecretArn ?? '');
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = 'Secret complete';
  try {
    if (event.RequestType !== 'Delete') await fill(secretArn);
  } catch (error) {
    status = 'FAILED';
    reason = `Could not complete the secret (${error instanceof Error ? error.name : 'Unknown'})`;
  }
  const physicalId =
    event.RequestType === 'Create' ? `${secretArn}#completed` : event.PhysicalResourceId;
  const body = JSON.stringify({
    Status: status,
    Reason: reason,
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  // The pre-signed S3 URL wants no content type and an exact length.
  const response = await fetch(event.ResponseURL, {
    method: 'PUT',
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  if (!response.ok) throw new Error(`CloudFormation response refused (${response.status})`);
}
