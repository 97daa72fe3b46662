/** Lambda entry points of fan-out: DynamoDB stream batches → notifications and queued deliveries; and the on-failure queue's consumer. */
import { env, fanoutConfig } from '../config';
import { lambdaPorts } from '../runtime';
import { streamRangeReader, streamsClient } from '../store/stream-range';
import { fanoutFailureHandler, fanoutHandler } from './adapter';

const ports = lambdaPorts();
export const handler = fanoutHandler(ports, fanoutConfig());
/** The same bundle, deployed as the consumer of fan-out's on-failure queue (handler `index.failures`). */
export const failures = fanoutFailureHandler(ports, streamRangeReader(streamsClient(env('DYNAMODB_ENDPOINT'))));
