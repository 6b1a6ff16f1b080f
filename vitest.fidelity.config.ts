import { defineConfig } from 'vitest/config';

/**
 * `npm run test:fidelity`: the DynamoDB store's integration tests against AWS's DynamoDB Local
 * instead of dynalite. Run through `scripts/test-fidelity.sh`, which puts the run in a private
 * network namespace (DynamoDB Local listens on every interface).
 */
export default defineConfig({
  test: {
    include: [
      'test/integration/exit-store.test.ts',
      'test/integration/client-store.test.ts',
      'test/integration/operator-store.test.ts',
    ],
    environment: 'node',
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      FAREWELL_TEST_DYNAMODB: 'dynamodb-local',
    },
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
