/** Rules of ingest that a deployment may set (kept apart from ingest.ts so reading them pulls in no schema). */
export interface IngestRules {
  /** How many days after today (China time) an event date may lie: clocks and time zones differ, typos do not. */
  maxFutureDays: number;
  /**
   * Key of the HMAC that turns a natural person's identity document into a party key. Every
   * function of a deployment needs the same one; changing it re-keys natural persons.
   */
  partyKeySecret: string;
  /**
   * Key of the HMAC a record's content hash is made with. Without a key the hash of a masked
   * identity number's few unknown digits could be found by trying them all; with it, only the
   * exchange can compute a hash, so a hash tells nobody else anything about the content.
   */
  contentHashKey: string;
}
/** The test default; a deployment sets PARTY_KEY_SECRET and CONTENT_HASH_KEY, `npm start` generates its content hash key. */
export const DEFAULT_INGEST_RULES: IngestRules = { maxFutureDays: 7, partyKeySecret: 'edx-local-party-key', contentHashKey: 'edx-local-content-hash-key-for-tests-only' };
