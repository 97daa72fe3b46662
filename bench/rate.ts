/** The benchmarks drive one client far past a department's rate limit: they measure the exchange's work, not its refusals (each request still counts in its window). */
export const BENCH_RATE = { defaultPerSecond: 1_000_000 };
