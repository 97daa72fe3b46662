/**
 * Every setting the functions read from their environment, in one place: each variable is read
 * through `env`, so a missing or malformed value fails at start with the variable's name. The
 * README lists them all.
 */
import { DEFAULT_DELIVERY, type DeliveryConfig } from './core/delivery-config';
import type { FanoutConfig } from './core/fanout';
import { DEFAULT_INGEST_RULES, type IngestRules } from './core/ingest-rules';
import { DEFAULT_CREDIT, type CreditConfig, type PenaltyCategory } from './core/credit-config';
import type { WebhookPolicy } from './core/subscriptions';
import { ENVIRONMENT_PATTERN, LOCAL_ENVIRONMENT } from './core/clients';
import { DEFAULT_RETENTION, type Retention } from './store/table';
import { PROBLEM_CHECKS, type ProblemCheck } from '../schemas/problem-checks';
import { DEFAULT_RATE_LIMITS, DEFAULT_SUBSCRIPTION_CHECK_MS, DEFAULT_SUBSCRIPTION_LIMITS, type RateLimits, type SubscriptionLimits } from './core/limits';

/** The variables the functions read, with what each one sets. */
export const ENVIRONMENT = {
  TABLE_NAME: 'the DynamoDB table (required)',
  DELIVERY_QUEUE_URL: 'the SQS delivery queue; without it the api cannot redrive and fan-out cannot queue',
  DYNAMODB_ENDPOINT: 'DynamoDB endpoint override (DynamoDB Local)',
  SQS_ENDPOINT: 'SQS endpoint override (the local emulator)',
  ACK_WITHIN_HOURS: 'hours a department has to acknowledge a notification (72)',
  SUPERVISING_DEPARTMENT: 'department that receives escalations (supervision)',
  DELIVERY_TIMEOUT_MS: 'webhook POST timeout (5000)',
  DELIVERY_RETRY_DELAYS: 'comma-separated seconds before each retry; the last repeats (10,60,300,1800)',
  DELIVERY_MAX_ATTEMPTS: 'attempts before a delivery is given up to the DLQ (5)',
  RECORD_MAX_FUTURE_DAYS: "days ahead of today a record's event date may lie (7)",
  WEBHOOK_ALLOW_PRIVATE_TARGETS: '"true" lets webhooks reach private addresses (local runs only)',
  WEBHOOK_SECRET_KEY_ARN: 'the KMS key webhook signing secrets are sealed with (given to the api and the deliver function only)',
  WEBHOOK_SECRET_KEY_FILE: 'off AWS: a file holding the AES-256 key webhook signing secrets are sealed with',
  CREDIT_DEPARTMENT: 'department that receives listing proposals and blacklisted-licence warnings and reads the reports of applied measures (credit)',
  HEAVY_PENALTY_CATEGORIES: 'comma-separated penalty categories that raise a blacklist proposal (licence-revocation,suspension)',
  HEAVY_FINE_FEN: 'a fine of at least this many fen raises a blacklist proposal (10000000)',
  COMMITMENT_VERIFY_WITHIN_DAYS: 'days after a commitment grant by which the competent department verifies it (60)',
  REVOCATION_ANSWER_WITHIN_DAYS: 'days the approving department has to answer a revocation request (20)',
  NOTIFICATION_RETENTION_DAYS: 'days a notification is kept after it was made, then deleted by the table TTL; 0 keeps them (365)',
  ACCESS_LOG_RETENTION_DAYS: 'days an access-log entry is kept after the access, then deleted by the table TTL; 0 keeps them (1095)',
  CURSOR_KEY: 'the key listing cursors are sealed with, at least 32 characters (required by the api; a generated secret on AWS)',
  EXCHANGE_ENV: 'the environment marker of API keys (`edx_<env>.…`), 2-16 lower-case letters and digits: keys of another environment are refused (required by the api on AWS; `local` elsewhere)',
  CONTENT_HASH_KEY: "the HMAC key of records' content hashes, at least 32 characters (required by the api on AWS, a generated secret; `npm start` generates one into its data folder)",
  CLIENT_RATE_LIMIT_PER_SECOND: 'requests per second a client may make unless its own limit (npm run clients -- limit) says otherwise (50)',
  MAX_SUBSCRIPTIONS_PER_DEPARTMENT: 'subscriptions one department may hold, active and paused (50)',
  FANOUT_SUBSCRIPTION_CHECK_MS: 'how stale fan-out’s cached subscription set may be, in ms: a new subscription receives every record posted this long after it was created (5000)',
  PROBLEM_DATA_CHECKS: 'comma-separated problem data checks fan-out runs, or `none` (unknown-enterprise,deregistered-enterprise,out-of-scope,revoked-licence-missing)',
  PARTY_KEY_SECRET: "the HMAC key that turns a natural person's identity document into a party key, at least 32 characters (a generated secret on AWS; a fixed development key locally)",
} as const;
export type EnvironmentVariable = keyof typeof ENVIRONMENT;

/** The one reader of process.env: the value, or `fallback` when unset or empty; `parse` may reject it by throwing. */
export function env(name: EnvironmentVariable): string | undefined;
export function env<T>(name: EnvironmentVariable, parse: (raw: string) => T, fallback: T): T;
export function env<T>(name: EnvironmentVariable, parse?: (raw: string) => T, fallback?: T): T | string | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return parse ? fallback : undefined;
  if (!parse) return raw;
  try {
    return parse(raw);
  } catch (cause) {
    throw new Error(`environment variable ${name}: ${(cause as Error).message}, got ${JSON.stringify(raw)}`, { cause });
  }
}

/** A variable the function cannot run without. */
export function requireEnv(name: EnvironmentVariable): string {
  const value = env(name);
  if (value === undefined) throw new Error(`environment variable ${name} is required but not set`);
  return value;
}

function nonNegative(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error('must be a non-negative number');
  return n;
}

function seconds(raw: string): number[] {
  const list = raw.split(',').map(Number);
  if (list.some((d) => !Number.isFinite(d) || d < 0)) throw new Error('must be comma-separated seconds');
  return list;
}

/** Where the AWS resources are. */
export function awsConfig() {
  return {
    table: requireEnv('TABLE_NAME'),
    queueUrl: env('DELIVERY_QUEUE_URL'),
    dynamodbEndpoint: env('DYNAMODB_ENDPOINT'),
    sqsEndpoint: env('SQS_ENDPOINT'),
    ...(env('CURSOR_KEY') ? { cursorKey: cursorKey() } : {}),
    store: { retention: retention() },
  };
}

function wholeDays(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error('must be a whole number of days, 0 to keep for good');
  return n;
}

/** How long notifications and access-log entries are kept before the table's TTL deletes them. */
export function retention(): Retention {
  return {
    notificationDays: env('NOTIFICATION_RETENTION_DAYS', wholeDays, DEFAULT_RETENTION.notificationDays),
    accessLogDays: env('ACCESS_LOG_RETENTION_DAYS', wholeDays, DEFAULT_RETENTION.accessLogDays),
  };
}

export function fanoutConfig(): FanoutConfig {
  return {
    ackWithinHours: env('ACK_WITHIN_HOURS', nonNegative, 72),
    supervisingDepartment: env('SUPERVISING_DEPARTMENT') ?? 'supervision',
    credit: creditConfig(),
    subscriptionCheckMs: env('FANOUT_SUBSCRIPTION_CHECK_MS', nonNegative, DEFAULT_SUBSCRIPTION_CHECK_MS),
    problemChecks: env('PROBLEM_DATA_CHECKS', problemChecks, Object.keys(PROBLEM_CHECKS) as ProblemCheck[]),
  };
}

function problemChecks(raw: string): ProblemCheck[] {
  if (raw.trim() === 'none') return [];
  const list = raw.split(',').map((c) => c.trim());
  const unknown = list.filter((c) => !(c in PROBLEM_CHECKS));
  if (unknown.length) throw new Error(`unknown check(s) ${unknown.join(', ')}; known: ${Object.keys(PROBLEM_CHECKS).join(', ')}`);
  return list as ProblemCheck[];
}

function positiveInteger(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error('must be a whole number of at least 1');
  return n;
}

export function rateLimits(): RateLimits {
  return { defaultPerSecond: env('CLIENT_RATE_LIMIT_PER_SECOND', positiveInteger, DEFAULT_RATE_LIMITS.defaultPerSecond) };
}

export function subscriptionLimits(): SubscriptionLimits {
  return { maxPerDepartment: env('MAX_SUBSCRIPTIONS_PER_DEPARTMENT', positiveInteger, DEFAULT_SUBSCRIPTION_LIMITS.maxPerDepartment) };
}

const PENALTY_CATEGORIES: readonly PenaltyCategory[] = ['warning', 'fine', 'confiscation', 'suspension', 'licence-revocation', 'detention', 'other'];

function penaltyCategories(raw: string): PenaltyCategory[] {
  const categories = raw.split(',').map((c) => c.trim());
  const unknown = categories.filter((c) => !(PENALTY_CATEGORIES as readonly string[]).includes(c));
  if (unknown.length) throw new Error(`unknown categories ${unknown.join(', ')}; known: ${PENALTY_CATEGORIES.join(', ')}`);
  return categories as PenaltyCategory[];
}

/** Settings of credit: who receives proposals, what counts as a heavy penalty, the commitment deadlines. */
export function creditConfig(): CreditConfig {
  return {
    creditDepartment: env('CREDIT_DEPARTMENT') ?? DEFAULT_CREDIT.creditDepartment,
    supervisingDepartment: env('SUPERVISING_DEPARTMENT') ?? DEFAULT_CREDIT.supervisingDepartment,
    heavyPenaltyCategories: env('HEAVY_PENALTY_CATEGORIES', penaltyCategories, DEFAULT_CREDIT.heavyPenaltyCategories),
    heavyFineFen: env('HEAVY_FINE_FEN', nonNegative, DEFAULT_CREDIT.heavyFineFen),
    verifyWithinDays: env('COMMITMENT_VERIFY_WITHIN_DAYS', nonNegative, DEFAULT_CREDIT.verifyWithinDays),
    revocationAnswerWithinDays: env('REVOCATION_ANSWER_WITHIN_DAYS', nonNegative, DEFAULT_CREDIT.revocationAnswerWithinDays),
  };
}

export function deliveryConfig(): DeliveryConfig {
  return {
    timeoutMs: env('DELIVERY_TIMEOUT_MS', nonNegative, DEFAULT_DELIVERY.timeoutMs),
    retryDelaysSeconds: env('DELIVERY_RETRY_DELAYS', seconds, DEFAULT_DELIVERY.retryDelaysSeconds),
    maxAttempts: env('DELIVERY_MAX_ATTEMPTS', nonNegative, DEFAULT_DELIVERY.maxAttempts),
  };
}

export function webhookPolicy(): WebhookPolicy {
  return { allowPrivateTargets: env('WEBHOOK_ALLOW_PRIVATE_TARGETS') === 'true' };
}

/** The key the api seals its cursors with: at least 32 characters, the same in every instance (a secret on AWS). */
export function cursorKey(): Buffer {
  const key = requireEnv('CURSOR_KEY');
  if (key.length < 32) throw new Error('environment variable CURSOR_KEY must have at least 32 characters');
  return Buffer.from(key);
}

/** The party key secret, checked without echoing it: a secret never goes into an error message. */
function partyKeySecret(): string {
  const secret = env('PARTY_KEY_SECRET');
  if (secret === undefined) return DEFAULT_INGEST_RULES.partyKeySecret;
  if (secret.length < 32) throw new Error('environment variable PARTY_KEY_SECRET must have at least 32 characters');
  return secret;
}

/** The environment marker of this deployment's API keys; `local` when unset (npm start, tests, the CLI on the local table). */
export function keyEnvironment(): string {
  return env('EXCHANGE_ENV', environmentMarker, LOCAL_ENVIRONMENT);
}

/** The marker of a deployment, which the api refuses to start without. */
export function requireKeyEnvironment(): string {
  requireEnv('EXCHANGE_ENV');
  return keyEnvironment();
}

function environmentMarker(raw: string): string {
  if (!ENVIRONMENT_PATTERN.test(raw)) throw new Error('must be 2-16 lower-case letters and digits, starting with a letter');
  return raw;
}

/** The key of content hashes; like every secret it never goes into an error message. */
export function contentHashKey(): string {
  const key = requireEnv('CONTENT_HASH_KEY');
  if (key.length < 32) throw new Error('environment variable CONTENT_HASH_KEY must have at least 32 characters');
  return key;
}

/** Ingest's settings; without CONTENT_HASH_KEY the content hash key is `localContentHashKey`, else the test default. */
export function ingestRules(localContentHashKey?: string): IngestRules {
  return {
    maxFutureDays: env('RECORD_MAX_FUTURE_DAYS', nonNegative, DEFAULT_INGEST_RULES.maxFutureDays),
    partyKeySecret: partyKeySecret(),
    contentHashKey: env('CONTENT_HASH_KEY') === undefined ? (localContentHashKey ?? DEFAULT_INGEST_RULES.contentHashKey) : contentHashKey(),
  };
}
