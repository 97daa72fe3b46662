/**
 * Recorded examples of the OpenAPI document: the bodies `npm run examples` (scripts/examples.ts)
 * sent to the real API and its answers, kept in recorded-examples.json. Only the document
 * generator imports them, which the api loads lazily, so they cost a cold start nothing.
 */
import { fileURLToPath } from 'node:url';
import recorded from './recorded-examples.json' with { type: 'json' };

/** Where `npm run examples` writes them. */
export const RECORDED_EXAMPLES_FILE = fileURLToPath(new URL('./recorded-examples.json', import.meta.url));

export interface RecordedExamples {
  /** By operation id: the body of its first successful call, for operations without examples in the route table. */
  requests: Record<string, unknown>;
  /** By operation id: the body of its first 2xx answer. */
  responses: Record<string, unknown>;
}

export const recordedExamples = (): RecordedExamples => recorded;
