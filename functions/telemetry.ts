/**
 * Operators' signals, written as lines to standard output, where Lambda hands them to CloudWatch
 * Logs:
 * - structured logs: one JSON object per line with the level, the message, the function name, the
 *   Lambda request id, whether this invocation is the process's cold start, and the correlation ids
 *   of what is being handled (the platform's request id, the caller's x-request-id, a CloudEvent id,
 *   a notification id);
 * - business metrics in CloudWatch's embedded metric format (EMF): a log line whose `_aws` member
 *   tells CloudWatch to extract metrics from it, so counting costs no API call and no latency.
 *
 * Powertools' Logger and Metrics do the same and more (sampling, JMESPath correlation, metric
 * validation), for about 34 KB more per bundle and a slower cold import (`npm run bench` measures
 * both); these few functions are all the exchange needs.
 */

export type Fields = Record<string, unknown>;
/** Where lines go: console.log under Lambda; tests and the local runner may collect them. */
export type Sink = (line: Fields) => void;
export const consoleSink: Sink = (line) => console.log(JSON.stringify(line));

/** The part of the Lambda context the logs quote. */
export interface LambdaContextLike {
  awsRequestId?: string;
  functionName?: string;
}

let cold = true;
/**
 * The fields of one invocation for every line it logs: the function, the Lambda request id, and
 * `coldStart` true on the first invocation of this process only.
 */
export function invocationFields(context?: LambdaContextLike): Fields {
  const coldStart = cold;
  cold = false;
  return { ...(context?.functionName ? { function: context.functionName } : {}), ...(context?.awsRequestId ? { lambdaRequestId: context.awsRequestId } : {}), coldStart };
}

export interface Logger {
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  /** A logger whose every line also carries `fields` (an invocation's, a message's correlation ids). */
  with(fields: Fields): Logger;
}

export function createLogger(base: Fields = {}, sink: Sink = consoleSink): Logger {
  const write = (level: string, message: string, fields?: Fields) => sink({ level, message, timestamp: new Date().toISOString(), ...base, ...fields });
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    with: (fields) => createLogger({ ...base, ...fields }, sink),
  };
}

/** The namespace and names of the exchange's business metrics; the stack's alarms watch some of them. */
export const METRICS = {
  namespace: 'EnterpriseDataExchange',
  recordsAccepted: 'RecordsAccepted',
  recordsRejected: 'RecordsRejected',
  deliveries: 'Deliveries',
  deliveryLatency: 'DeliveryLatency',
  overdueEscalations: 'OverdueEscalations',
  deadLettered: 'DeliveriesDeadLettered',
} as const;

export interface MetricValue {
  name: string;
  unit: 'Count' | 'Milliseconds';
  /** Several values (up to 100) make one line carry a distribution, e.g. each delivery's latency. */
  value: number | number[];
}

/**
 * One EMF line: `metrics` with the dimension values in `dimensions`, published once per dimension
 * set in `rollups` (each a list of dimension names; `[]` is the total across them), with `fields`
 * kept as plain log fields.
 */
export function emfLine(metrics: MetricValue[], dimensions: Record<string, string>, rollups: string[][], fields: Fields = {}, at = Date.now()): Fields {
  return {
    _aws: { Timestamp: at, CloudWatchMetrics: [{ Namespace: METRICS.namespace, Dimensions: rollups, Metrics: metrics.map((m) => ({ Name: m.name, Unit: m.unit })) }] },
    ...fields,
    ...dimensions,
    ...Object.fromEntries(metrics.map((m) => [m.name, m.value])),
  };
}

/** Records accepted and rejected in one request, per kind: one line per kind, by kind and department and in total. */
export function recordMetrics(department: string, byKind: Map<string, { accepted: number; rejected: number }>, fields: Fields = {}): Fields[] {
  return [...byKind].map(([kind, n]) =>
    emfLine(
      [
        { name: METRICS.recordsAccepted, unit: 'Count', value: n.accepted },
        { name: METRICS.recordsRejected, unit: 'Count', value: n.rejected },
      ],
      { Kind: kind, Department: department },
      [['Kind', 'Department'], []],
      { level: 'info', message: 'records', ...fields },
    ),
  );
}
