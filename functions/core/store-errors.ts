/**
 * Errors a store raises, in terms of neither the database nor HTTP. The api turns them into
 * problem responses in one place (functions/api/app.ts).
 */
export class InvalidCursor extends Error {
  constructor(
    /** The query parameter the cursor came in. */
    readonly parameter = 'cursor',
    options?: ErrorOptions,
  ) {
    super('the cursor is not one this API returned', options);
    this.name = 'InvalidCursor';
  }
}

/** How long callers are asked to wait (Retry-After) when the table does not answer. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** The table did not answer, or answered that it cannot serve now: worth retrying later, not a bug. */
export class StoreUnavailable extends Error {
  constructor(options?: ErrorOptions) {
    super('the data store is not answering', options);
    this.name = 'StoreUnavailable';
  }
}
