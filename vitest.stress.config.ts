import { defineConfig } from 'vitest/config';

/**
 * `npm run test:stress`: redelivery, faults and load against the local services. Long, so kept out
 * of `npm test`. Files run one at a time: each starts its own stack, and the load figures mean
 * more without another file competing for the two cores.
 */
export default defineConfig({
  test: {
    include: ['test/stress/**/*.test.ts', 'test/hostile/**/*.stress.ts'],
    environment: 'node',
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 8 * 60_000,
    hookTimeout: 2 * 60_000,
  },
});
