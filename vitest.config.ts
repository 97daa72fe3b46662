import { defineConfig } from 'vitest/config';

const env = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1' };

/**
 * Two tiers: `unit` runs pure rules and the core against in-memory ports (no Java, no services,
 * seconds: `npm run test:unit`); `integration` runs everything else against DynamoDB Local and
 * the SQS emulator, which its global setup starts once per run.
 */
export default defineConfig({
  test: {
    silent: 'passed-only',
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000, env },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
          env,
        },
      },
    ],
  },
});
