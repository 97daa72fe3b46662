/**
 * What every entity store shares: the table's name and document client, paging, put-if-absent,
 * conditional writes, the cursor of a listing, stripping table bookkeeping from items, and
 * capacity metering as SDK middleware (so no store method reports capacity by hand).
 */
import { ConditionalCheckFailedException, TransactionCanceledException, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { decodeCursor, encodeCursor } from '../core/cursor';
import { StoreUnavailable } from '../core/store-errors';
import type { Page } from '../core/ports';
import { ATTR, BOOKKEEPING, HEALTH_KEY } from './table';

export type Item = Record<string, unknown>;
export type QueryInput = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

/**
 * Receives the capacity each request consumed (benchmarks). `operation` is the command and what
 * it touched: the written item's type or the queried index. The command is the low-level one the
 * document client sends, e.g. `PutItemCommand record-version`, `QueryCommand GSI1`, `GetItemCommand`.
 * `input` is the request as sent, for what the capacity alone does not tell (the items of a
 * transaction, whose units DynamoDB Local reports short).
 */
export type CapacityListener = (operation: string, capacity: ConsumedCapacity[], input: Item) => void;

/** The item's own `type`, marshalled or not (the middleware may see either form). */
function itemType(item: unknown): string | undefined {
  const t = (item as Item | undefined)?.[ATTR.type];
  if (typeof t === 'string') return t;
  const s = (t as { S?: unknown } | undefined)?.S;
  return typeof s === 'string' ? s : undefined;
}

/** The one item type a BatchWriteItem puts, if all its items share one. */
function batchType(input: Item): string | undefined {
  const requests = Object.values((input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item?: unknown } }[]>).flat();
  if (!requests.length || !requests.every((r) => r.PutRequest)) return undefined;
  const types = new Set(requests.map((r) => itemType(r.PutRequest?.Item)));
  return types.size === 1 ? [...types][0] : undefined;
}

/** The kind of partition (the key's prefix, e.g. INBOX) every key of a BatchGetItem is in, if one. */
function batchPartition(input: Item): string | undefined {
  const keys = Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: Item[] }>).flatMap((r) => r.Keys ?? []);
  const kinds = new Set(keys.map((k) => String((k[ATTR.pk] as { S?: string } | undefined)?.S ?? k[ATTR.pk]).split('#')[0]));
  return keys.length && kinds.size === 1 ? [...kinds][0] : undefined;
}

/**
 * DynamoDB bills each key of a BatchGetItem as a GetItem, so a key with no item still costs 0.5
 * RCU (1 strongly consistent), as GetItem reports; DynamoDB Local reports nothing for such keys.
 * Adds their units to what it reported (keys left unprocessed are not counted: they are asked again).
 * Only for DynamoDB Local (the benchmarks and tests): on DynamoDB it would count them twice.
 */
function billAbsentKeys(input: Item, output: Item, consumed: ConsumedCapacity[]) {
  const asked = (input.RequestItems ?? {}) as Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }>;
  const found = (output.Responses ?? {}) as Record<string, unknown[]>;
  const unprocessed = (output.UnprocessedKeys ?? {}) as Record<string, { Keys?: unknown[] }>;
  for (const [table, request] of Object.entries(asked)) {
    const absent = (request.Keys?.length ?? 0) - (found[table]?.length ?? 0) - (unprocessed[table]?.Keys?.length ?? 0);
    const c = consumed.find((x) => x.TableName === table);
    if (!c || absent <= 0) continue;
    const units = absent * (request.ConsistentRead ? 1 : 0.5);
    c.CapacityUnits = (c.CapacityUnits ?? 0) + units;
    if (c.Table) c.Table.CapacityUnits = (c.Table.CapacityUnits ?? 0) + units;
  }
}

/** Asks every request for its consumed capacity and hands it to `listener`. */
export function meterCapacity(db: DynamoDBDocumentClient, listener: CapacityListener) {
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Item;
      input.ReturnConsumedCapacity ??= 'INDEXES';
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
      if (consumed && context.commandName === 'BatchGetItemCommand') billAbsentKeys(input, out.output as Item, [consumed].flat());
      const target = itemType(input.Item) ?? batchType(input) ?? batchPartition(input) ?? (typeof input.IndexName === 'string' ? input.IndexName : undefined);
      if (consumed) listener([context.commandName, target].filter(Boolean).join(' '), [consumed].flat(), input);
      return out;
    },
    { step: 'initialize', name: 'meterCapacity' },
  );
}

const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
]);
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** Whether an SDK error means the table cannot answer now (rather than that the request was wrong). */
export function isUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const { code, $metadata } = e as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  return UNAVAILABLE_NAMES.has(e.name) || (code !== undefined && UNAVAILABLE_CODES.has(code)) || ($metadata?.httpStatusCode ?? 0) >= 500;
}

/** Turns "the table cannot answer", once the SDK's retries are spent, into the neutral StoreUnavailable. */
export function reportUnavailable(db: DynamoDBDocumentClient) {
  db.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (e) {
        throw isUnavailable(e) ? new StoreUnavailable({ cause: e }) : e;
      }
    },
    { step: 'initialize', name: 'reportUnavailable', priority: 'high' },
  );
}

/** An item without the table's bookkeeping (keys, index keys, entity type): the domain object stored in it. */
export function strip<T>(item: Item): T {
  const rest = { ...item };
  for (const a of BOOKKEEPING) delete rest[a];
  return rest as T;
}

const chunked = <T>(xs: T[], size: number) => Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
/** Batch calls in flight at once: enough to hide latency, few enough not to throttle a partition. */
const BATCH_PARALLEL = 8;
const sameKey = (a: Item, b: Item) => a[ATTR.pk] === b[ATTR.pk] && a[ATTR.sk] === b[ATTR.sk];

async function inParallel<T, R>(chunks: T[], run: (chunk: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(chunks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(BATCH_PARALLEL, chunks.length) }, async () => {
      while (next < chunks.length) {
        const i = next++;
        out[i] = await run(chunks[i]);
      }
    }),
  );
  return out;
}
/** Waits before asking again for what a batch call left unprocessed, growing with each attempt; gives up after ten. */
async function backOff(attempt: number, pending: number, call: string) {
  if (attempt > 10) throw new Error(`${pending} items stayed unprocessed after ${attempt} ${call} calls`);
  await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt) * Math.random()));
}

/** The most keys one BatchGetItem takes. */
export const BATCH_GET_MAX = 100;
/** The most writes one BatchWriteItem takes. */
export const BATCH_WRITE_MAX = 25;

export class TableClient {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /** Every item a query matches, following pages. */
  async queryAll(input: QueryInput): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.db.send(new QueryCommand({ TableName: this.table, ...input, ExclusiveStartKey: start }));
      items.push(...((out.Items ?? []) as Item[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /**
   * One page of a query. The cursor is the last evaluated key, opaque to callers; `belongs` checks
   * that a cursor came from this very listing, so one cannot be replayed against another.
   */
  async queryPage<T>(input: QueryInput, cursor: string | undefined, belongs: (key: Item) => boolean, as: (item: Item) => T): Promise<Page<T>> {
    const start = cursor ? decodeCursor(cursor, (k) => (k && typeof k === 'object' && belongs(k as Item) ? (k as Item) : undefined)) : undefined;
    const out = await this.db.send(new QueryCommand({ TableName: this.table, ...input, ExclusiveStartKey: start }));
    return { items: ((out.Items ?? []) as Item[]).map(as), ...(out.LastEvaluatedKey ? { next: encodeCursor(out.LastEvaluatedKey) } : {}) };
  }

  /**
   * Items by key, 100 keys per BatchGetItem; keys DynamoDB leaves unprocessed (throttling, the
   * 16 MB answer limit) are asked again with a growing pause. Items come back in no order.
   * `consistent` reads them strongly consistent (a unit per 4 KB instead of half).
   */
  async batchGet(keys: Item[], projection?: string[], consistent = false): Promise<Item[]> {
    const names = projection ? Object.fromEntries(projection.map((a, i) => [`#p${i}`, a])) : undefined;
    // BatchGetItem refuses a request that names one key twice: each key is asked for once.
    const unique = [...new Map(keys.map((k) => [`${String(k[ATTR.pk])}\u0000${String(k[ATTR.sk])}`, k])).values()];
    const chunks = await inParallel(chunked(unique, BATCH_GET_MAX), async (chunk) => {
      const out: Item[] = [];
      let pending = chunk;
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt > 0) await backOff(attempt, pending.length, 'BatchGetItem');
        const res = await this.db.send(
          new BatchGetCommand({
            RequestItems: {
              [this.table]: {
                Keys: pending,
                ...(consistent ? { ConsistentRead: true } : {}),
                ...(names ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } : {}),
              },
            },
          }),
        );
        out.push(...((res.Responses?.[this.table] ?? []) as Item[]));
        pending = (res.UnprocessedKeys?.[this.table]?.Keys ?? []) as Item[];
      }
      return out;
    });
    return chunks.flat();
  }

  /**
   * Writes items 25 per BatchWriteItem like `batchPut`, but settles every chunk and answers, item by
   * item in the order given, the error that kept it from being written (undefined when written).
   */
  async batchPutSettled(items: Item[]): Promise<unknown[]> {
    const errors: unknown[] = items.map(() => undefined);
    const indexed = items.map((Item, i) => ({ i, Item }));
    await inParallel(chunked(indexed, BATCH_WRITE_MAX), async (chunk) => {
      let pending = chunk;
      try {
        for (let attempt = 0; pending.length; attempt++) {
          if (attempt > 0) await backOff(attempt, pending.length, 'BatchWriteItem');
          const res = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending.map(({ Item }) => ({ PutRequest: { Item } })) } }));
          const left = (res.UnprocessedItems?.[this.table] ?? []).flatMap((r) => (r.PutRequest?.Item ? [r.PutRequest.Item] : []));
          pending = pending.filter((p) => left.some((item) => sameKey(item, p.Item)));
        }
      } catch (error) {
        // Those DynamoDB took before the failure are written; the rest are not.
        for (const p of pending) errors[p.i] = error;
      }
    });
    return errors;
  }

  /** Writes items 25 per BatchWriteItem, asking again for what DynamoDB leaves unprocessed; throws the first error once every chunk settled. */
  async batchPut(items: Item[]): Promise<void> {
    const failed = (await this.batchPutSettled(items)).find((e) => e !== undefined);
    if (failed !== undefined) throw failed;
  }

  /** Resolves when the table answers a strongly consistent read of one fixed key (half a read unit). */
  async ping(): Promise<void> {
    await this.db.send(new GetCommand({ TableName: this.table, Key: HEALTH_KEY, ConsistentRead: true }));
  }

  /** Writes `item` unless its key exists; returns the item already there, read from the failed condition itself. */
  async putIfAbsent(item: Item): Promise<Item | undefined> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: `attribute_not_exists(${ATTR.pk})`, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
      return undefined;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException && e.Item) return unmarshall(e.Item);
      throw e;
    }
  }
}

type TransactOps = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** One transaction item whose table may be left out (this table). */
type TransactItem = { [Op in keyof TransactOps]?: Omit<NonNullable<TransactOps[Op]>, 'TableName'> & { TableName?: string } };

/**
 * Writes `items` in one transaction (each on this table unless it names another); false when it was
 * cancelled — a condition did not hold or another transaction touched the same items — so the
 * caller re-reads and decides again.
 */
export async function transactOrLose(t: TableClient, items: TransactItem[]): Promise<boolean> {
  const TransactItems = items.map((item) => Object.fromEntries(Object.entries(item).map(([op, input]) => [op, { TableName: t.table, ...input }]))) as TransactOps[];
  try {
    await t.db.send(new TransactWriteCommand({ TransactItems }));
    return true;
  } catch (e) {
    if (e instanceof TransactionCanceledException) return false;
    throw e;
  }
}

/** Runs a conditional write; undefined when its condition did not hold. */
export async function unlessConditionFails<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return undefined;
    throw e;
  }
}
