/** Lambda entry point of the HTTP API: adapts API Gateway events to the Hono app. */
import { handle } from 'hono/aws-lambda';
import { requireEnv } from '../env';
import { runtimePorts } from '../runtime';
import { createApp } from './app';

export const app = createApp(runtimePorts({ table: requireEnv('TABLE_NAME') }));
export const handler = handle(app);
