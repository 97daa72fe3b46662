/** Lambda entry point of the HTTP API: adapts API Gateway events to the Hono app. */
import { handle } from 'hono/aws-lambda';
import { webhookPolicy } from '../config';
import { lambdaPorts } from '../runtime';
import { createApp } from './app';

export const app = createApp(lambdaPorts(), { webhookPolicy: webhookPolicy() });
export const handler = handle(app);
