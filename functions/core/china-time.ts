/** China Standard Time (UTC+8, no daylight saving), in which the exchange's dates are kept. */

/** The calendar date in China, which decides whether a licence is still valid and which day a record falls on. */
export const chinaDate = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
