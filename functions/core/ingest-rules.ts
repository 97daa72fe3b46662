/** Rules of ingest that a deployment may set (kept apart from ingest.ts so reading them pulls in no schema). */
export interface IngestRules {
  /** How many days after today (China time) an event date may lie: clocks and time zones differ, typos do not. */
  maxFutureDays: number;
}
export const DEFAULT_INGEST_RULES: IngestRules = { maxFutureDays: 7 };
