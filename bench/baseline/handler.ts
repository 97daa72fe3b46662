/**
 * The bundle baseline of `npm run bench`: a bare Lambda handler with Hono, the DynamoDB document
 * client and a zod-validated body, bundled by scripts/build.ts exactly like the exchange's
 * functions. What every function must carry anyway; the bench prints each function against it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { z } from 'zod';

const Item = z.object({ id: z.string().min(1).max(64), name: z.string().max(200), tags: z.array(z.string()).max(20).optional() });
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const app = new Hono();
app.post('/items', async (c) => {
  const parsed = Item.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) return c.json({ title: 'invalid body', errors: parsed.error.issues }, 400);
  await db.send(new PutCommand({ TableName: process.env.TABLE_NAME, Item: { PK: `ITEM#${parsed.data.id}`, SK: 'A', ...parsed.data } }));
  return c.json(parsed.data, 201);
});

export const handler = handle(app);
