/**
 * The AWS stack: invariants that must never change, asserted on the synthesized template, and
 * cdk-nag's AwsSolutions checks passing with every acknowledgement reasoned.
 */
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessLogKey, clientKey, exceptionKey, INDEXES, recordKey, SUMMARY_ATTRIBUTES, TABLE } from '../functions/store/table';
import { ExchangeStack } from '../infra/stack';
import { buildFunctions } from '../scripts/build';
import { DATA_FILES } from '../schemas/data-files';

// The built-in CloudFormation schema validation costs seconds per synth and checks nothing cdk-nag and these assertions miss.
process.env.CDK_VALIDATION = 'false';

let assetsDir: string;
let template: Template;

function nagApp() {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'cdk-')) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

beforeAll(async () => {
  assetsDir = mkdtempSync(join(tmpdir(), 'assets-'));
  await buildFunctions(assetsDir);
  const app = nagApp();
  const stack = new ExchangeStack(app, 'Exchange', { assetsDir, environment: 'prod', env: { account: '123456789012', region: 'cn-north-1' } });
  app.synth(); // throws if any AwsSolutions rule fails without an acknowledgement
  template = Template.fromStack(stack, { skipCyclicalDependenciesCheck: true });
}, 60_000);

describe('table', () => {
  it('is on-demand, encrypted, recoverable, protected from deletion and streams changes', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        // Console sessions expire by TTL.
        TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true },
      }),
    });
  });

  it('has a ceiling on its on-demand throughput', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { OnDemandThroughput: { MaxReadRequestUnits: 20_000, MaxWriteRequestUnits: 10_000 } });
  });

  it('projects record summaries into the enterprise index, never record bodies', () => {
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    const indexes: { IndexName: string; KeySchema: unknown; Projection: { ProjectionType: string; NonKeyAttributes?: string[] } }[] = table.Properties.GlobalSecondaryIndexes;
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(TABLE.indexes.map((i) => i.name).sort());
    const gsi = indexes.find((i) => i.IndexName === INDEXES.enterprise.name);
    expect(gsi?.KeySchema).toEqual([
      { AttributeName: 'GSI1PK', KeyType: 'HASH' },
      { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
    ]);
    expect(gsi?.Projection.ProjectionType).toBe('INCLUDE');
    expect([...(gsi?.Projection.NonKeyAttributes ?? [])].sort()).toEqual([...SUMMARY_ATTRIBUTES].sort());
    expect(gsi?.Projection.NonKeyAttributes).toContain('summary');
    expect(gsi?.Projection.NonKeyAttributes).not.toContain('data');
    expect(indexes.find((i) => i.IndexName === INDEXES.open.name)?.Projection).toEqual({ ProjectionType: 'ALL' });
  });
});

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Condition?: Record<string, Record<string, string[]>>;
}
/** The statements of a function's role. */
function statementsOf(logicalIdPrefix: string): Statement[] {
  const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith(`${logicalIdPrefix}ServiceRoleDefaultPolicy`));
  return policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** The actions a function's role may take, by service prefix. */
function actionsOf(logicalIdPrefix: string, service: string): string[] {
  return statementsOf(logicalIdPrefix)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => [s.Action].flat())
    .filter((a: string) => a.startsWith(`${service}:`))
    .sort();
}

/** Whether a function's role may take a table action on an item of this partition, as IAM decides: an explicit deny wins. */
function mayWrite(logicalIdPrefix: string, action: string, partitionKey: string): boolean {
  const matches = (st: Statement) => {
    if (![st.Action].flat().includes(`dynamodb:${action}`)) return false;
    const condition = st.Condition?.['ForAnyValue:StringLike'] ?? st.Condition?.['ForAllValues:StringLike'];
    const patterns = condition?.['dynamodb:LeadingKeys'];
    return (
      !patterns ||
      patterns.some((p) =>
        new RegExp(
          `^${p
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        ).test(partitionKey),
      )
    );
  };
  const statements = statementsOf(logicalIdPrefix);
  return !statements.some((st) => st.Effect === 'Deny' && matches(st)) && statements.some((st) => st.Effect === 'Allow' && matches(st));
}

/** An HTTP API (payload 2.0) GET as API Gateway hands it to the api Lambda. */
function apiGatewayGet(path: string, requestId: string) {
  const http = { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'test' };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api.example.gov.cn' },
    body: null,
    isBase64Encoded: false,
    requestContext: { http, requestId, stage: '$default' },
  };
}

describe('the api asset', () => {
  it('is its whole directory: the entry loads the console chunk beside it, and its session cookies are Secure', async () => {
    expect(readdirSync(join(assetsDir, 'api', 'chunks')).filter((f) => f.endsWith('.mjs')).length).toBeGreaterThan(0);
    process.env.TABLE_NAME ??= 'asset-test';
    process.env.CURSOR_KEY ??= randomBytes(32).toString('base64url');
    process.env.CONTENT_HASH_KEY ??= randomBytes(32).toString('base64url');
    process.env.EXCHANGE_ENV ??= 'assettest';
    const { handler } = (await import(pathToFileURL(join(assetsDir, 'api', 'index.mjs')).href)) as {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string; cookies?: string[] }>;
    };
    const event = apiGatewayGet('/console/login', 'r1');
    const res = await handler(event, { getRemainingTimeInMillis: () => 10_000 });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('部门接入密钥');
    expect(res.cookies?.[0]).toMatch(/; HttpOnly; Secure; SameSite=Strict$/);
  });

  it('carries the code lists and catalogue it reads on first use, and finds them from its chunks', async () => {
    for (const file of DATA_FILES) expect(statSync(join(assetsDir, 'api', 'data', file)).size).toBeGreaterThan(1000);
    const { handler } = (await import(pathToFileURL(join(assetsDir, 'api', 'index.mjs')).href)) as {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
    };
    const event = apiGatewayGet('/openapi.json', 'r2');
    const res = await handler(event, { getRemainingTimeInMillis: () => 10_000 });
    expect(res.statusCode).toBe(200);
    // The reference (a lazy chunk) names the editions read from the GB/T 2260 and 4754 files in data/.
    expect((JSON.parse(res.body) as { info: { description: string } }).info.description).toMatch(/Code lists: GB\/T 2260, .+; GB\/T 4754-2017/);
  });
});

describe('functions', () => {
  it('all run on Node.js 22 on arm64 with the table name', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fns).toHaveLength(6);
    expect(fns.map((fn) => fn.Properties.Handler).sort()).toEqual(['index.deadLetters', 'index.failures', 'index.handler', 'index.handler', 'index.handler', 'index.handler']);
    for (const fn of fns) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
      // Tracing is off (nothing is instrumented); logs carry the correlation ids instead.
      expect(fn.Properties.TracingConfig).toBeUndefined();
      expect(fn.Properties.Environment.Variables.TABLE_NAME).toBeDefined();
    }
  });

  it('may each do exactly what they need on the table: no scans or batch writes anywhere', () => {
    expect(actionsOf('Api', 'dynamodb')).toEqual(['dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    // Reading the stream (DescribeStream, GetRecords, GetShardIterator, ListStreams) comes with the event source.
    expect(actionsOf('Fanout', 'dynamodb').filter((a) => !/Stream|GetRecords|GetShardIterator/.test(a))).toEqual([
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(actionsOf('Deliver', 'dynamodb')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(actionsOf('Overdue', 'dynamodb')).toEqual(['dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(actionsOf('DeadLetters', 'dynamodb')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    // It reads the ranges of the stream its messages point at and parks keys; it reads no item.
    expect(actionsOf('FanoutFailuresConsumer', 'dynamodb')).toEqual(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:PutItem']);
    const all = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as Statement[]).filter((st) => st.Effect === 'Allow').flatMap((st) => [st.Action].flat()),
    );
    expect(all.filter((a: string) => /dynamodb:(Scan|BatchWriteItem|\*)$/.test(a))).toEqual([]);
  });

  it('give the api its content hash key from a generated secret, never as text in the template', () => {
    const fns = template.findResources('AWS::Lambda::Function');
    const withKey = Object.entries(fns).filter(([, f]) => f.Properties.Environment.Variables.CONTENT_HASH_KEY);
    expect(withKey.map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(['Api']);
    const [[secretId]] = Object.entries(template.findResources('AWS::SecretsManager::Secret')).filter(([id]) => id.startsWith('ContentHashKey'));
    expect(JSON.stringify(withKey[0][1].Properties.Environment.Variables.CONTENT_HASH_KEY)).toContain(secretId);
  });

  it('tell the api the environment marker its API keys carry', () => {
    const api = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('Api'));
    expect(api?.[1].Properties.Environment.Variables.EXCHANGE_ENV).toBe('prod');
  });

  it('never write API clients or the credit code exception list, and only append to the access log', () => {
    const code = '91350200MA2XYZ1234';
    for (const fn of ['Api', 'Fanout', 'Deliver', 'DeadLetters', 'FanoutFailuresConsumer', 'Overdue']) {
      for (const action of ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']) {
        expect(mayWrite(fn, action, clientKey('cAbCdEfGhIjKl').PK), `${fn} ${action} a client`).toBe(false);
        expect(mayWrite(fn, action, exceptionKey(code).PK), `${fn} ${action} an exception`).toBe(false);
      }
      for (const action of ['UpdateItem', 'DeleteItem', 'BatchWriteItem']) expect(mayWrite(fn, action, accessLogKey(code, 1).PK), `${fn} ${action} the access log`).toBe(false);
    }
    // What they must still do: the api logs reads and writes records; delivery logs pushes.
    expect(mayWrite('Api', 'PutItem', accessLogKey(code, 1).PK)).toBe(true);
    expect(mayWrite('Deliver', 'PutItem', accessLogKey(code, 1).PK)).toBe(true);
    expect(mayWrite('Api', 'UpdateItem', recordKey('rec_1', 1).PK)).toBe(true);
  });

  it('each have reserved concurrency, leaving the account 100 unreserved out of a limit of 345 or more', () => {
    const reserved = Object.fromEntries(Object.entries(template.findResources('AWS::Lambda::Function')).map(([id, f]) => [id.replace(/[0-9A-F]{8}$/, ''), f.Properties.ReservedConcurrentExecutions]));
    expect(reserved).toEqual({ Api: 200, Fanout: 20, Deliver: 20, DeadLetters: 2, FanoutFailuresConsumer: 2, Overdue: 1 });
  });

  it('seal webhook secrets with a KMS key the api may only encrypt with and the deliver function alone decrypt with', () => {
    const [[keyId, key]] = Object.entries(template.findResources('AWS::KMS::Key'));
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const statements: { Principal: { AWS: unknown }; Action: string | string[]; Condition?: unknown }[] = key.Properties.KeyPolicy.Statement;
    const roleOf = (fn: string) => ({ 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${fn}ServiceRole`)), 'Arn'] });
    const uses = statements.filter((st) => [st.Action].flat().some((a) => /^kms:(Encrypt|Decrypt|ReEncrypt|GenerateDataKey|\*)/.test(a)));
    expect(uses).toEqual([
      expect.objectContaining({ Action: 'kms:Encrypt', Principal: { AWS: roleOf('Api') }, Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'webhook-secret' } } }),
      expect.objectContaining({ Action: 'kms:Decrypt', Principal: { AWS: roleOf('Deliver') }, Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'webhook-secret' } } }),
    ]);
    expect(actionsOf('Api', 'kms')).toEqual(['kms:Encrypt']);
    expect(actionsOf('Deliver', 'kms')).toEqual(['kms:Decrypt']);
    for (const fn of ['Fanout', 'Overdue', 'DeadLetters']) expect(actionsOf(fn, 'kms'), fn).toEqual([]);
    const fns = template.findResources('AWS::Lambda::Function');
    const withKey = Object.entries(fns)
      .filter(([, f]) => f.Properties.Environment.Variables.WEBHOOK_SECRET_KEY_ARN)
      .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''));
    expect(withKey.sort()).toEqual(['Api', 'Deliver']);
    expect(JSON.stringify(fns)).toContain(keyId);
  });

  it('send to the delivery queue only where they must', () => {
    expect(actionsOf('Api', 'sqs')).toEqual(['sqs:SendMessage']);
    expect(actionsOf('Fanout', 'sqs')).toContain('sqs:SendMessage');
    expect(actionsOf('Deliver', 'sqs')).toEqual(expect.arrayContaining(['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage']));
    expect(actionsOf('Overdue', 'sqs')).toEqual([]);
  });

  it('is reached through an HTTP API stage with access logs and throttling', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 }),
    });
  });

  it('raises alarms on errors, throttles, 5xx, deliveries arriving in the DLQ, DLQ depth, delivery age and fan-out lag', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((a) => a.Properties.MetricName ?? 'metric math').sort()).toEqual(
      [
        'metric math',
        'Deliveries',
        'DeliveryLatency',
        '5xx',
        'ApproximateAgeOfOldestMessage',
        'ApproximateNumberOfMessagesVisible',
        'ApproximateNumberOfMessagesVisible',
        'DeliveriesDeadLettered',
        'Errors',
        'Errors',
        'Errors',
        'Errors',
        'Errors',
        'Errors',
        'FanoutChangesParked',
        'IteratorAge',
        'Throttles',
      ].sort(),
    );
    for (const a of alarms) expect(a.Properties.AlarmActions).toHaveLength(1);
    // Every arrival counts, not only a depth that stays up while old messages sit in the DLQ.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'EnterpriseDataExchange', MetricName: 'DeliveriesDeadLettered', Statistic: 'Sum', Threshold: 1 });
  });

  it('raises alarms on the business metrics that matter: a spike of rejected records, failed deliveries, slow deliveries', () => {
    // The share of rejected records among those posted in 5 minutes, once at least 20 were posted.
    const spike = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find((a) => a.Properties.Metrics);
    expect(spike?.Properties).toMatchObject({ Threshold: 25, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    const metrics = spike?.Properties.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: { Namespace: string; MetricName: string }; Stat: string; Period: number } }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('IF(accepted + rejected >= 20, 100 * rejected / (accepted + rejected), 0)');
    expect(metrics.filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat?.Metric.Namespace, m.MetricStat?.Metric.MetricName, m.MetricStat?.Stat, m.MetricStat?.Period])).toEqual([
      ['accepted', 'EnterpriseDataExchange', 'RecordsAccepted', 'Sum', 300],
      ['rejected', 'EnterpriseDataExchange', 'RecordsRejected', 'Sum', 300],
    ]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'EnterpriseDataExchange',
      MetricName: 'Deliveries',
      Dimensions: [{ Name: 'Outcome', Value: 'failed' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 5,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'EnterpriseDataExchange', MetricName: 'DeliveryLatency', ExtendedStatistic: 'p99', Period: 900, Threshold: 60_000 });
  });
});

describe('event sources', () => {
  it('feed the stream to fan-out: inserts of record versions, catalogue changes and inspection tasks, notifications given feedback, escalated or claimed, escalated tasks, bisected, retried, with an on-failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'StreamArn'] }),
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: {
        Filters: [
          // Lambda takes at most five filters per event source mapping without a quota increase.
          { Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['record-version', 'credit-change', 'directed-event', 'catalogue-change', 'inspection-task'] } } } }) },
          { Pattern: JSON.stringify({ eventName: ['MODIFY'], dynamodb: { NewImage: { type: { S: ['notification'] }, lastFeedbackAt: { S: [{ exists: true }] } } } }) },
          { Pattern: JSON.stringify({ eventName: ['MODIFY'], dynamodb: { NewImage: { type: { S: ['notification'] }, escalatedAt: { S: [{ exists: true }] } } } }) },
          { Pattern: JSON.stringify({ eventName: ['MODIFY'], dynamodb: { NewImage: { type: { S: ['notification'] }, claimedAt: { S: [{ exists: true }] } } } }) },
          { Pattern: JSON.stringify({ eventName: ['MODIFY'], dynamodb: { NewImage: { type: { S: ['inspection-task'] }, escalatedAt: { S: [{ exists: true }] } } } }) },
        ],
      },
    });
  });

  it('give up on a stream record after 6 hours, so the on-failure consumer still finds it in the stream (24 hours)', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'StreamArn'] }),
      MaximumRecordAgeInSeconds: 6 * 3600,
    });
  });

  it('feed the on-failure queue to its consumer, which parks the changed items and reports partial failures', () => {
    const [fnId] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, f]) => f.Properties.Handler === 'index.failures') ?? [];
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp('^FanoutFailures'), 'Arn'] }),
      FunctionName: { Ref: fnId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'EnterpriseDataExchange', MetricName: 'FanoutChangesParked', Statistic: 'Sum', Threshold: 1 });
  });

  it('feed the delivery queue to delivery with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp('^DeliveryQueue'), 'Arn'] }),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('feed the delivery DLQ to its consumer, which takes each message off', () => {
    const [fnId] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, f]) => f.Properties.Handler === 'index.deadLetters') ?? [];
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp('^DeliveryDlq'), 'Arn'] }),
      FunctionName: { Ref: fnId },
    });
  });

  it('run the overdue job every 15 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)', Targets: [Match.objectLike({ Arn: Match.anyValue() })] });
  });

  it('index open notifications for pulls, redrive and the overdue job', () => {
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(table.Properties.GlobalSecondaryIndexes.find((i: { IndexName: string }) => i.IndexName === 'GSI2')).toMatchObject({ Projection: { ProjectionType: 'ALL' } });
  });
});

describe('delivery queue', () => {
  it('is encrypted, TLS-only and sends what fails 5 times to its DLQ', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'exchange-delivery',
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 180, // six times the deliver function's 30 s timeout
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'exchange-delivery-dlq', SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.resourceCountIs('AWS::SQS::QueuePolicy', 3);
  });
});

describe('cdk-nag', () => {
  it('fails synthesis for a resource that breaks an AwsSolutions rule (the check is live)', () => {
    const app = nagApp();
    new Queue(new Stack(app, 'Scratch'), 'PlainQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4|SQS queue does not require requests to use SSL/);
  });
});
