/** Rules of ingest that a deployment may set (kept apart from ingest.ts so reading them pulls in no schema). */
export interface IngestRules {
  /** How many days after today (China time) an event date may lie: clocks and time zones differ, typos do not. */
  maxFutureDays: number;
  /**
   * Key of the HMAC that turns a natural person's identity document into a party key. Every
   * function of a deployment needs the same one; changing it re-keys natural persons.
   */
  partyKeySecret: string;
}
/** The local and test default; a deployment sets PARTY_KEY_SECRET. */
export const DEFAULT_INGEST_RULES: IngestRules = { maxFutureDays: 7, partyKeySecret: 'edx-local-party-key' };
