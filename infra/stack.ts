/**
 * The exchange on AWS: HTTP API → api Lambda → one DynamoDB table (stream on), the delivery queue
 * and its DLQ, alarms. Table and queue settings come from definitions.ts, shared with the local
 * runner.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpStage, type CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { Architecture, Code, Function as LambdaFunction, Runtime, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { FunctionName } from '../scripts/build';
import type { Construct } from 'constructs';
import { DEAD_LETTER_METRIC } from '../functions/core/delivery';
import { METRICS } from '../functions/telemetry';
import { ENVIRONMENT_PATTERN } from '../functions/core/clients';
import { PARKED_METRIC } from '../functions/core/fanout-replay';
import { FANOUT_STREAM_FILTERS, TABLE, WRITE_PROTECTED } from '../functions/store/table';
import { DELIVER_TIMEOUT_SECONDS, FANOUT_MAPPING, QUEUES } from './definitions';

export interface ExchangeStackProps extends StackProps {
  /** Directory holding one folder per bundled function (scripts/build.ts output). */
  assetsDir: string;
  /** The marker of this deployment's API keys (`edx_<environment>.…`); another deployment's keys are refused. */
  environment: string;
}

/** DynamoDB actions each function needs, and no more. */
const TABLE_ACCESS = {
  api: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  // Fan-out and delivery read the subscribing clients' scopes; delivery logs each pushed record event.
  // Fan-out also runs credit's reactions: proposals, commitments and the risk class (transactions need the actions of their items).
  fanout: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
  deliver: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  deadLetters: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  // Parks the keys of changes fan-out gave up on (it reads them off the stream, granted apart).
  fanoutFailures: ['dynamodb:PutItem'],
  // Credit's due job: list expiries (a transaction over head, change, membership and member), commitment steps, risk reviews.
  overdue: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'],
} as const;

/**
 * Concurrency reserved for each function: a flood of API calls cannot starve delivery of the
 * account's Lambda capacity, nor take more than its share. Delivery's equals its event source's
 * maximum concurrency. Together 245: the account's concurrency limit must be at least 345 (AWS
 * keeps 100 unreserved).
 */
const RESERVED_CONCURRENCY = { api: 200, fanout: 20, deliver: 20, deadLetters: 2, fanoutFailures: 2, overdue: 1 };

/** The table's on-demand ceiling in request units per second. */
const TABLE_MAX_THROUGHPUT = { read: 20_000, write: 10_000 };

/** What the account may do with the webhook secrets key: administer it, never encrypt or decrypt with it. */
const KEY_ADMIN_ACTIONS = [
  'Create*',
  'Describe*',
  'Enable*',
  'List*',
  'Put*',
  'Update*',
  'Revoke*',
  'Disable*',
  'Get*',
  'Delete*',
  'TagResource',
  'UntagResource',
  'ScheduleKeyDeletion',
  'CancelKeyDeletion',
];

/** How often the overdue job looks for notifications nobody acknowledged in time. */
const OVERDUE_EVERY = Duration.minutes(15);

export class ExchangeStack extends Stack {
  readonly table: Table;
  readonly api: LambdaFunction;
  readonly httpApi: HttpApi;
  readonly deliveryQueue: Queue;
  readonly deliveryDlq: Queue;
  readonly fanout: LambdaFunction;
  readonly deliver: LambdaFunction;
  readonly deadLetters: LambdaFunction;
  readonly overdue: LambdaFunction;
  readonly fanoutFailures: Queue;
  readonly fanoutFailuresConsumer: LambdaFunction;
  readonly webhookSecretsKey: Key;

  constructor(scope: Construct, id: string, props: ExchangeStackProps) {
    super(scope, id, props);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      // A ceiling on on-demand throughput, so a flood (or a runaway loop) costs a bounded amount
      // and throttles instead of scaling without end; far above a province's expected peak.
      maxReadRequestUnits: TABLE_MAX_THROUGHPUT.read,
      maxWriteRequestUnits: TABLE_MAX_THROUGHPUT.write,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      stream: StreamViewType[TABLE.stream],
      // Notifications and access-log entries carry their expiry (retention settings in README).
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
    });
    // Every index of the table module, as declared there (CloudFormation adds at most one new index
    // to an existing table per update: see README, Deploying to AWS).
    for (const index of TABLE.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        ...(index.projection === 'ALL'
          ? { projectionType: ProjectionType.ALL }
          : index.projection === 'KEYS_ONLY'
            ? { projectionType: ProjectionType.KEYS_ONLY }
            : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] }),
      });
    }

    this.deliveryDlq = new Queue(this, 'DeliveryDlq', {
      queueName: QUEUES.deliveryDlq.name,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(QUEUES.deliveryDlq.retentionDays),
    });
    Validations.of(this.deliveryDlq).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the delivery queue.' });
    this.deliveryQueue = new Queue(this, 'DeliveryQueue', {
      queueName: QUEUES.delivery.name,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(QUEUES.delivery.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deliveryDlq, maxReceiveCount: QUEUES.delivery.maxReceiveCount },
    });

    // Webhook signing secrets are stored sealed with this key: the api may only encrypt with it,
    // the deliver function only decrypt; the key policy gives the account administration of the
    // key but no use of it, so no other role can be granted decryption by an IAM policy alone.
    this.webhookSecretsKey = new Key(this, 'WebhookSecretsKey', {
      description: 'Seals webhook signing secrets (encrypt: api, decrypt: deliver)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AccountAdministersButDoesNotUse',
            principals: [new AccountRootPrincipal()],
            actions: KEY_ADMIN_ACTIONS.map((a) => `kms:${a}`),
            resources: ['*'],
          }),
        ],
      }),
    });

    this.api = this.lambda('Api', 'api', props.assetsDir, { memorySize: 1024, timeout: Duration.seconds(15), reserved: RESERVED_CONCURRENCY.api });
    this.bindTable(this.api, TABLE_ACCESS.api);
    this.bindQueue(this.api, ['sqs:SendMessage']);
    // The key the api seals its cursors with: generated at deploy, the same in every instance, never in the template.
    const cursorKey = new Secret(this, 'CursorKey', { generateSecretString: { passwordLength: 64, excludePunctuation: true }, description: 'HMAC key of the API cursors' });
    this.api.addEnvironment('CURSOR_KEY', cursorKey.secretValue.unsafeUnwrap());
    Validations.of(cursorKey).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'Rotating the cursor key only invalidates the page cursors in flight; it is replaced by redeploying with a new secret.' });
    // The key natural persons' party keys are derived with: the same for the life of the data, so never rotated.
    const partyKey = new Secret(this, 'PartyKeySecret', { generateSecretString: { passwordLength: 64, excludePunctuation: true }, description: 'HMAC key of natural persons’ party keys' });
    this.api.addEnvironment('PARTY_KEY_SECRET', partyKey.secretValue.unsafeUnwrap());
    Validations.of(partyKey).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'Rotating it would re-key every natural person already recorded; it must stay as long as the data does.' });
    // The key of records' content hashes: only the exchange can fingerprint content, so a hash shown
    // to a caller cannot be used to test guesses at masked data. Replays are compared with the stored hash.
    const contentHashKey = new Secret(this, 'ContentHashKey', { generateSecretString: { passwordLength: 64, excludePunctuation: true }, description: 'HMAC key of record content hashes' });
    this.api.addEnvironment('CONTENT_HASH_KEY', contentHashKey.secretValue.unsafeUnwrap());
    Validations.of(contentHashKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'A new key would make every replay of a record stored under the old one a conflict; it must stay as long as the data does.',
    });
    if (!ENVIRONMENT_PATTERN.test(props.environment)) throw new Error(`environment ${JSON.stringify(props.environment)}: 2-16 lower-case letters and digits, starting with a letter`);
    this.api.addEnvironment('EXCHANGE_ENV', props.environment);
    this.bindSecretsKey(this.api, 'kms:Encrypt');

    // Stream → fan-out: new record versions and changed notifications only; a failing batch is
    // bisected and retried from the failed record, and what still fails is pointed at from a queue
    // whose consumer parks the changed items' keys in the table for replay (npm run replay-fanout).
    this.fanoutFailures = new Queue(this, 'FanoutFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(QUEUES.fanoutFailures.retentionDays),
      visibilityTimeout: Duration.seconds(60),
    });
    Validations.of(this.fanoutFailures).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is the on-failure destination of the stream fan-out.' });
    this.fanout = this.lambda('Fanout', 'fanout', props.assetsDir, { memorySize: 512, timeout: Duration.seconds(60), reserved: RESERVED_CONCURRENCY.fanout });
    this.bindTable(this.fanout, TABLE_ACCESS.fanout);
    this.bindQueue(this.fanout, ['sqs:SendMessage']);
    Validations.of(this.fanout).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'dynamodb:ListStreams, which the stream event source needs, accepts no resource but *.' });
    this.fanout.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: FANOUT_MAPPING.batchSize,
        bisectBatchOnError: FANOUT_MAPPING.bisectBatchOnError,
        retryAttempts: FANOUT_MAPPING.retryAttempts,
        maxRecordAge: Duration.seconds(FANOUT_MAPPING.maxRecordAgeSeconds),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.fanoutFailures),
        filters: FANOUT_STREAM_FILTERS.map((pattern) => ({ pattern: JSON.stringify(pattern) })),
      }),
    );

    // On-failure queue → its consumer (same bundle as fan-out): reads the range of the stream each
    // message points at and parks the keys; a message it cannot resolve comes back.
    this.fanoutFailuresConsumer = this.lambda('FanoutFailuresConsumer', 'fanout', props.assetsDir, {
      memorySize: 256,
      timeout: Duration.seconds(30),
      handler: 'index.failures',
      reserved: RESERVED_CONCURRENCY.fanoutFailures,
    });
    this.bindTable(this.fanoutFailuresConsumer, TABLE_ACCESS.fanoutFailures);
    this.fanoutFailuresConsumer.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:DescribeStream', 'dynamodb:GetShardIterator', 'dynamodb:GetRecords'], resources: [this.table.tableStreamArn ?? ''] }),
    );
    this.fanoutFailuresConsumer.addEventSource(new SqsEventSource(this.fanoutFailures, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: RESERVED_CONCURRENCY.fanoutFailures }));

    // Queue → delivery, reporting partial batch failures so one bad endpoint holds back no other.
    this.deliver = this.lambda('Deliver', 'deliver', props.assetsDir, { memorySize: 512, timeout: Duration.seconds(DELIVER_TIMEOUT_SECONDS), reserved: RESERVED_CONCURRENCY.deliver });
    this.bindTable(this.deliver, TABLE_ACCESS.deliver);
    this.bindSecretsKey(this.deliver, 'kms:Decrypt');
    this.bindQueue(this.deliver, ['sqs:ChangeMessageVisibility']);
    this.deliver.addEventSource(new SqsEventSource(this.deliveryQueue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 20 }));

    // The DLQ's consumer (same bundle as delivery): makes sure each dead-lettered notification says
    // failed in the table, where redrive finds it, counts it for the alarm and empties the DLQ.
    this.deadLetters = this.lambda('DeadLetters', 'deliver', props.assetsDir, {
      memorySize: 256,
      timeout: Duration.seconds(DELIVER_TIMEOUT_SECONDS),
      handler: 'index.deadLetters',
      reserved: RESERVED_CONCURRENCY.deadLetters,
    });
    this.bindTable(this.deadLetters, TABLE_ACCESS.deadLetters);
    this.deadLetters.addEventSource(new SqsEventSource(this.deliveryDlq, { batchSize: 10, maxConcurrency: 2 }));

    this.overdue = this.lambda('Overdue', 'overdue', props.assetsDir, { memorySize: 512, timeout: Duration.minutes(5), reserved: RESERVED_CONCURRENCY.overdue });
    this.bindTable(this.overdue, TABLE_ACCESS.overdue);
    new Rule(this, 'OverdueSchedule', { schedule: Schedule.rate(OVERDUE_EVERY), targets: [new LambdaTarget(this.overdue)] });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_YEAR });
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Enterprise Data Exchange API',
      defaultIntegration: new HttpLambdaIntegration('ApiIntegration', this.api),
      createDefaultStage: false,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
    });
    (stage.node.defaultChild as CfnStage).accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        time: '$context.requestTime',
        method: '$context.httpMethod',
        path: '$context.path',
        status: '$context.status',
        latency: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
      }),
    };
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Every /v1 route authenticates the Bearer API key inside the function against hashed keys in the table, with per-client scopes; /health, /openapi.json and /docs are public by design.',
    });

    const alarms = new Topic(this, 'Alarms', { displayName: 'Enterprise Data Exchange alarms', enforceSSL: true });
    const alarm = (id: string, metric: IMetric, threshold: number, description: string) =>
      new Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(new SnsAction(alarms));
    /** An alarm on every arrival counted by a function's metric log lines (emfLine in functions/telemetry.ts). */
    const countAlarm = (id: string, metric: { namespace: string; name: string }, description: string) =>
      alarm(id, new Metric({ namespace: metric.namespace, metricName: metric.name, statistic: 'Sum', period: Duration.minutes(5) }), 1, description);
    alarm('ApiErrors', this.api.metricErrors({ period: Duration.minutes(5) }), 1, 'The api function failed (unhandled errors, timeouts).');
    alarm('ApiThrottles', this.api.metricThrottles({ period: Duration.minutes(5) }), 1, 'The api function was throttled.');
    for (const [id, fn] of [
      ['Fanout', this.fanout],
      ['Deliver', this.deliver],
      ['DeadLetters', this.deadLetters],
      ['FanoutFailuresConsumer', this.fanoutFailuresConsumer],
      ['Overdue', this.overdue],
    ] as const) {
      alarm(`${id}Errors`, fn.metricErrors({ period: Duration.minutes(5) }), 1, `The ${id.toLowerCase()} function failed.`);
    }
    // SQS's NumberOfMessagesSent does not count messages its redrive policy moves to a DLQ, so
    // arrivals are counted by the DLQ's consumer; the depth alarm now means that consumer is stuck.
    countAlarm('DeliveriesDeadLettered', DEAD_LETTER_METRIC, 'Deliveries gave up: a department webhook failed every attempt (the notifications say failed; the department can redrive).');
    alarm(
      'DeliveryDlqDepth',
      this.deliveryDlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      1,
      'The DLQ consumer is not emptying the delivery DLQ.',
    );
    countAlarm('FanoutChangesParked', PARKED_METRIC, 'Fan-out gave up on changes; they are parked in the table: fix the cause, then run npm run replay-fanout (README, Recovering fan-out).');
    alarm(
      'FanoutFailuresDepth',
      this.fanoutFailures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      1,
      'The on-failure consumer cannot park failed fan-out batches; the stream drops their records 24 h after they were written.',
    );
    alarm('DeliveryAge', this.deliveryQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }), 900, 'A delivery has waited more than 15 minutes.');
    alarm(
      'FanoutIteratorAge',
      new Metric({ namespace: 'AWS/Lambda', metricName: 'IteratorAge', dimensionsMap: { FunctionName: this.fanout.functionName }, statistic: 'Maximum', period: Duration.minutes(5) }),
      60_000,
      'Fan-out is more than a minute behind the table.',
    );
    alarm(
      'Api5xx',
      new Metric({ namespace: 'AWS/ApiGateway', metricName: '5xx', dimensionsMap: { ApiId: this.httpApi.apiId, Stage: '$default' }, statistic: 'Sum', period: Duration.minutes(5) }),
      5,
      'The HTTP API answered 5xx.',
    );

    // Business metrics the functions write as EMF lines (functions/telemetry.ts).
    const business = (metricName: string, statistic: string, period: Duration, dimensionsMap?: Record<string, string>) =>
      new Metric({ namespace: METRICS.namespace, metricName, statistic, period, ...(dimensionsMap ? { dimensionsMap } : {}) });
    alarm(
      'RecordsRejectedSpike',
      new MathExpression({
        // A share, not a count, so a busy day is not a spike; below 20 posts in 5 minutes a few bad ones are not news.
        expression: 'IF(accepted + rejected >= 20, 100 * rejected / (accepted + rejected), 0)',
        usingMetrics: { accepted: business(METRICS.recordsAccepted, 'Sum', Duration.minutes(5)), rejected: business(METRICS.recordsRejected, 'Sum', Duration.minutes(5)) },
        period: Duration.minutes(5),
        label: 'rejected records, % of posted',
      }),
      25,
      'A quarter or more of the records posted in 5 minutes were rejected: a department system is sending bad data (see RecordsRejected by Kind and Department).',
    );
    alarm(
      'DeliveryFailures',
      business(METRICS.deliveries, 'Sum', Duration.minutes(5), { Outcome: 'failed' }),
      5,
      'Five or more deliveries ended failed in 5 minutes: receivers down, or subscriptions paused or without the scope to receive.',
    );
    alarm(
      'DeliveryLatencyP99',
      business(METRICS.deliveryLatency, 'p99', Duration.minutes(15)),
      60_000,
      'The slowest 1% of webhook deliveries took more than a minute from the event to the receiver’s answer.',
    );

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  private lambda(id: string, name: FunctionName, assetsDir: string, opts: { memorySize: number; timeout: Duration; handler?: string; reserved: number }) {
    const fn = new LambdaFunction(this, id, {
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      code: Code.fromAsset(`${assetsDir}/${name}`),
      handler: opts.handler ?? 'index.handler',
      reservedConcurrentExecutions: opts.reserved,
      memorySize: opts.memorySize,
      timeout: opts.timeout,
      environment: { NODE_OPTIONS: '--enable-source-maps' },
      logGroup: new LogGroup(this, `${id}Logs`, { retention: RetentionDays.ONE_YEAR }),
      // No active X-Ray tracing: nothing in the functions is instrumented, and instrumenting the SDK
      // clients and the webhook call would add the X-Ray SDK to every bundle and cold start. A
      // request is followed through the logs instead: every line carries the Lambda and platform
      // request ids, and the CloudEvent and notification ids join api, fan-out and delivery.
    });
    for (const ack of [
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWSLambdaBasicExecutionRole only lets the function write its own logs.',
      },
      { id: 'AwsSolutions-L1', reason: 'Pinned to Node.js 22, the runtime major the code is built and tested on.' },
    ]) {
      Validations.of(fn).acknowledge(ack);
    }
    return fn;
  }

  /** Gives a function the table's name and exactly the listed actions on the table and its indexes. */
  private bindTable(fn: LambdaFunction, actions: readonly string[]) {
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...actions],
        resources: [this.table.tableArn, ...TABLE.indexes.map((i) => `${this.table.tableArn}/index/${i.name}`)],
      }),
    );
    // Whatever the grant above allows, no function changes API clients or the credit code exception
    // list, nor updates or deletes an access-log item (an explicit deny wins over any allow): a
    // compromised dependency cannot mint an all-scopes client or erase its tracks.
    const denied = (sid: string, actions: string[], partitions: readonly string[]) =>
      new PolicyStatement({
        sid,
        effect: Effect.DENY,
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [this.table.tableArn],
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [...partitions] } },
      });
    fn.addToRolePolicy(denied('NoWritesToClientsOrExceptions', ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'], WRITE_PROTECTED.noWrites));
    fn.addToRolePolicy(denied('AccessLogIsAppendOnly', ['UpdateItem', 'DeleteItem', 'BatchWriteItem'], WRITE_PROTECTED.appendOnly));
  }

  /** Gives a function the webhook secrets key's ARN and one use of it, in both the key policy and the role, bound to the webhook-secret encryption context. */
  private bindSecretsKey(fn: LambdaFunction, action: 'kms:Encrypt' | 'kms:Decrypt') {
    fn.addEnvironment('WEBHOOK_SECRET_KEY_ARN', this.webhookSecretsKey.keyArn);
    const conditions = { StringEquals: { 'kms:EncryptionContext:purpose': 'webhook-secret' } };
    this.webhookSecretsKey.addToResourcePolicy(new PolicyStatement({ principals: [fn.grantPrincipal], actions: [action], resources: ['*'], conditions }));
    fn.addToRolePolicy(new PolicyStatement({ actions: [action], resources: [this.webhookSecretsKey.keyArn], conditions }));
  }

  /** Gives a function the delivery queue's URL and exactly the listed actions on it. */
  private bindQueue(fn: LambdaFunction, actions: readonly string[]) {
    fn.addEnvironment('DELIVERY_QUEUE_URL', this.deliveryQueue.queueUrl);
    fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: [...actions], resources: [this.deliveryQueue.queueArn] }));
  }
}
