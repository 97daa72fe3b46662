/** Lambda entry points of delivery: SQS batches → signed webhook POSTs, with partial batch failures; and the DLQ's consumer. */
import { deliveryConfig, webhookPolicy } from '../config';
import { httpPoster } from '../adapters/webhook-poster';
import { KmsSecretBox } from '../adapters/kms-secret-box';
import { lambdaPorts } from '../runtime';
import { deadLetterHandler, deliverHandler } from './adapter';

const ports = lambdaPorts((keyArn) => new KmsSecretBox(keyArn));
export const handler = deliverHandler(ports, httpPoster(webhookPolicy()), deliveryConfig());
/** The same bundle, deployed as the DLQ's consumer (handler `index.deadLetters`). */
export const deadLetters = deadLetterHandler(ports);
