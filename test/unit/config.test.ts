/** Configuration from the environment: defaults, and errors that name the variable. */
import { afterEach, describe, expect, it } from 'vitest';
import { awsConfig, contentHashKey, creditConfig, deliveryConfig, fanoutConfig, ingestRules, retention, subscriptionLimits } from '../../functions/config';
import { expiryOf } from '../../functions/store/table';
import { DEFAULT_CREDIT } from '../../functions/core/credit-config';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('configuration', () => {
  it('falls back to the documented defaults', () => {
    for (const v of [
      'ACK_WITHIN_HOURS',
      'SUPERVISING_DEPARTMENT',
      'DELIVERY_TIMEOUT_MS',
      'DELIVERY_RETRY_DELAYS',
      'DELIVERY_MAX_ATTEMPTS',
      'FANOUT_SUBSCRIPTION_CHECK_MS',
      'MAX_SUBSCRIPTIONS_PER_DEPARTMENT',
      'PROBLEM_DATA_CHECKS',
    ])
      delete process.env[v];
    expect(fanoutConfig()).toEqual({
      ackWithinHours: 72,
      supervisingDepartment: 'supervision',
      credit: DEFAULT_CREDIT,
      subscriptionCheckMs: 5000,
      problemChecks: ['unknown-enterprise', 'deregistered-enterprise', 'out-of-scope', 'revoked-licence-missing'],
    });
    expect(subscriptionLimits()).toEqual({ maxPerDepartment: 50 });
    expect(deliveryConfig()).toEqual({ timeoutMs: 5000, retryDelaysSeconds: [10, 60, 300, 1800], maxAttempts: 5 });
  });

  it('reads the credit settings', () => {
    Object.assign(process.env, { HEAVY_PENALTY_CATEGORIES: 'suspension', HEAVY_FINE_FEN: '5000000', COMMITMENT_VERIFY_WITHIN_DAYS: '30' });
    expect(creditConfig()).toMatchObject({ heavyPenaltyCategories: ['suspension'], heavyFineFen: 5_000_000, verifyWithinDays: 30, creditDepartment: 'credit' });
    for (const v of ['HEAVY_PENALTY_CATEGORIES', 'HEAVY_FINE_FEN', 'COMMITMENT_VERIFY_WITHIN_DAYS']) delete process.env[v];
  });

  it('reads what is set', () => {
    Object.assign(process.env, { ACK_WITHIN_HOURS: '24', DELIVERY_RETRY_DELAYS: '1,2', DELIVERY_MAX_ATTEMPTS: '3', PROBLEM_DATA_CHECKS: 'out-of-scope, revoked-licence-missing' });
    expect(fanoutConfig()).toMatchObject({ ackWithinHours: 24, problemChecks: ['out-of-scope', 'revoked-licence-missing'] });
    process.env.PROBLEM_DATA_CHECKS = 'none';
    expect(fanoutConfig().problemChecks).toEqual([]);
    delete process.env.PROBLEM_DATA_CHECKS;
    expect(deliveryConfig()).toMatchObject({ retryDelaysSeconds: [1, 2], maxAttempts: 3 });
  });

  it.each([
    ['ACK_WITHIN_HOURS', '-1', fanoutConfig],
    ['DELIVERY_TIMEOUT_MS', 'soon', deliveryConfig],
    ['DELIVERY_RETRY_DELAYS', '10,x', deliveryConfig],
    ['HEAVY_PENALTY_CATEGORIES', 'licence-revocation,closure', creditConfig],
    ['HEAVY_FINE_FEN', 'much', creditConfig],
    ['MAX_SUBSCRIPTIONS_PER_DEPARTMENT', '0', subscriptionLimits],
    ['FANOUT_SUBSCRIPTION_CHECK_MS', 'often', fanoutConfig],
    ['PROBLEM_DATA_CHECKS', 'out-of-scope,typo', fanoutConfig],
  ])('names %s when its value %j is malformed', (name, value, read) => {
    process.env[name] = value;
    expect(read).toThrow(new RegExp(`^environment variable ${name}: .*, got "${value}"`));
  });

  it('names TABLE_NAME when it is missing', () => {
    delete process.env.TABLE_NAME;
    expect(awsConfig).toThrow('environment variable TABLE_NAME is required but not set');
  });

  it('takes the content hash key from CONTENT_HASH_KEY, requires one of 32 characters where asked, and never echoes it', () => {
    delete process.env.CONTENT_HASH_KEY;
    expect(contentHashKey).toThrow('environment variable CONTENT_HASH_KEY is required but not set');
    expect(ingestRules('a-key-made-in-the-local-data-folder').contentHashKey).toBe('a-key-made-in-the-local-data-folder');
    process.env.CONTENT_HASH_KEY = 'short-secret';
    expect(() => ingestRules()).toThrow('CONTENT_HASH_KEY must have at least 32 characters');
    expect(() => ingestRules()).not.toThrow(/short-secret/);
    process.env.CONTENT_HASH_KEY = 'k'.repeat(40);
    expect(ingestRules('ignored-when-the-variable-is-set').contentHashKey).toBe('k'.repeat(40));
  });

  it('reads how long notifications and access-log entries are kept; 0 keeps them for good', () => {
    delete process.env.NOTIFICATION_RETENTION_DAYS;
    delete process.env.ACCESS_LOG_RETENTION_DAYS;
    expect(retention()).toEqual({ notificationDays: 365, accessLogDays: 1095 });
    Object.assign(process.env, { NOTIFICATION_RETENTION_DAYS: '0', ACCESS_LOG_RETENTION_DAYS: '180' });
    expect(retention()).toEqual({ notificationDays: 0, accessLogDays: 180 });
    expect(expiryOf('2026-11-27T02:00:00.000Z', 0)).toEqual({});
    expect(expiryOf('2026-11-27T02:00:00.000Z', 180)).toEqual({ expiresAtEpoch: Date.parse('2026-11-27T02:00:00.000Z') / 1000 + 180 * 86_400 });
    process.env.ACCESS_LOG_RETENTION_DAYS = '1.5';
    expect(retention).toThrow(/^environment variable ACCESS_LOG_RETENTION_DAYS: must be a whole number of days/);
  });
});
