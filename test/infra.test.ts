/**
 * The AWS stack: invariants that must never change, asserted on the synthesized template, and
 * cdk-nag's AwsSolutions checks passing with every acknowledgement reasoned.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExchangeStack } from '../infra/stack';
import { buildFunctions } from '../scripts/build';

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
  const stack = new ExchangeStack(app, 'Exchange', { assetsDir, env: { account: '123456789012', region: 'cn-north-1' } });
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
      }),
    });
  });

  it('projects record summaries into the enterprise index, never record bodies', () => {
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    const gsi = table.Properties.GlobalSecondaryIndexes[0];
    expect(gsi.IndexName).toBe('GSI1');
    expect(gsi.Projection.ProjectionType).toBe('INCLUDE');
    expect(gsi.Projection.NonKeyAttributes).toContain('summary');
    expect(gsi.Projection.NonKeyAttributes).not.toContain('data');
  });
});

describe('api function', () => {
  it('runs on Node.js 22 on arm64 with the table name', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: Match.objectLike({ TABLE_NAME: Match.anyValue() }) },
    });
  });

  it('may do exactly what the api needs on the table: no scans, deletes or batch writes', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const dynamoActions = policies.flatMap((p) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()).filter((a: string) => a.startsWith('dynamodb:')),
    );
    expect(dynamoActions.sort()).toEqual(['dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
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

  it('raises alarms on errors, throttles and 5xx', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((a) => a.Properties.MetricName).sort()).toEqual(['5xx', 'Errors', 'Throttles']);
    for (const a of alarms) expect(a.Properties.AlarmActions).toHaveLength(1);
  });
});

describe('delivery queue', () => {
  it('is encrypted, TLS-only and sends what fails 5 times to its DLQ', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'exchange-delivery',
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'exchange-delivery-dlq', SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.resourceCountIs('AWS::SQS::QueuePolicy', 2);
  });
});

describe('cdk-nag', () => {
  it('fails synthesis for a resource that breaks an AwsSolutions rule (the check is live)', () => {
    const app = nagApp();
    new Queue(new Stack(app, 'Scratch'), 'PlainQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4|SQS queue does not require requests to use SSL/);
  });
});
