/** Lambda entry point of fan-out: DynamoDB stream batches → notifications and queued deliveries. */
import { fanoutConfig } from '../config';
import { lambdaPorts } from '../runtime';
import { fanoutHandler } from './adapter';

export const handler = fanoutHandler(lambdaPorts(), fanoutConfig());
