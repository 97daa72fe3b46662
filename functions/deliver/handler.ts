/** Lambda entry point of delivery: SQS batches → signed webhook POSTs, with partial batch failures. */
import { deliveryConfig, webhookPolicy } from '../config';
import { httpPoster } from '../adapters/webhook-poster';
import { lambdaPorts } from '../runtime';
import { deliverHandler } from './adapter';

export const handler = deliverHandler(lambdaPorts(), httpPoster(webhookPolicy()), deliveryConfig());
