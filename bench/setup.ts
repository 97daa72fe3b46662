/**
 * Setup the bench parts that run the exchange's code in their own process share: a table on the
 * local stack whose every request reports the capacity it consumed, and distinct credit codes for
 * many enterprises. Apart from common.ts so that the load generator's process loads none of it.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { runtimePorts } from '../functions/runtime';
import { ensureTable } from '../local/services';

/** One figure of a bench part's table: the name, padded, then the value. */
export const out = (name: string, value: string) => console.log(`${name.padEnd(62)} ${value}`);

const ORG = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** The n-th organisation-code body after `prefix` (8 characters in all): distinct codes for many enterprises. */
export const orgBody = (prefix: string, n: number) => {
  let s = '';
  for (let i = 0, v = n; i < 8 - prefix.length; i++, v = Math.floor(v / ORG.length)) s = ORG[v % ORG.length] + s;
  return prefix + s;
};

/**
 * The exchange's ports on a new table, with the capacity of every request recorded: `units` adds
 * up the units of the requests whose operation (`PutItemCommand record-version`, ...) matches.
 */
export async function meteredPorts(dynamodbEndpoint: string, table: string) {
  await ensureTable(dynamodbEndpoint, table);
  const capacity: { op: string; items: ConsumedCapacity[] }[] = [];
  const ports = runtimePorts({ table, dynamodbEndpoint, store: { onCapacity: (op, items) => capacity.push({ op, items }) } });
  const units = (match: (op: string) => boolean) => capacity.filter((c) => match(c.op)).reduce((s, c) => s + c.items.reduce((t, i) => t + (i.CapacityUnits ?? 0), 0), 0);
  return { ports, capacity, units };
}
