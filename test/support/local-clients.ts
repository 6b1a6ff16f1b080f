/**
 * SDK clients for the local services the integration tests start, configured as the composition
 * root configures its own, with the local region and credentials.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../functions/adapters/dynamo-table.js';
import { localCredentials, localRegion, startDynalite } from './local-services.js';

/** A DynamoDB client for dynalite (or DynamoDB Local) at `endpoint`. */
export function localDynamoClient(
  endpoint: string,
  options: { maxAttempts?: number } = {},
): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: localRegion,
    credentials: localCredentials,
    ...options,
  });
}

/** The document client the stores are built on, as the composition root builds it. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * An SESv2 client for aws-ses-v2-local at `endpoint`. One attempt and a short timeout: the local
 * server never answers actions it does not know, and a failure test should fail fast.
 */
export function localSesClient(endpoint: string): SESv2Client {
  return new SESv2Client({
    endpoint,
    region: localRegion,
    credentials: localCredentials,
    requestHandler: { requestTimeout: 2_000, throwOnRequestTimeout: true },
    maxAttempts: 1,
  });
}

/** A table of its own on a dynalite of its own, with the clients to reach it. */
export interface LocalTable {
  name: string;
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

/** Starts dynalite and creates the table `name` on it. */
export async function startLocalTable(name: string): Promise<LocalTable> {
  const dynalite = await startDynalite();
  const client = localDynamoClient(dynalite.endpoint);
  await ensureTable(client, name);
  return {
    name,
    client,
    documents: documentClient(client),
    async stop() {
      client.destroy();
      await dynalite.stop();
    },
  };
}
