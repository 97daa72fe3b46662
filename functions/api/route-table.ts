/**
 * What the api needs to route a request before any route's code is loaded: each operation of the
 * route table (ROUTES in schemas/api.ts) with its method, path and the group whose module serves
 * it. The groups are chunks of their own (functions/api/routes/), loaded on the first request
 * that needs one, so a cold start pays neither for their code nor for the zod schemas only they
 * use. test/unit/route-table.test.ts holds this table to ROUTES, operation by operation.
 *
 * Order matters where paths overlap: Hono answers with the first registered match, so a literal
 * segment (`/catalogue/changes`, `/notifications/overdue`) comes before the parameter it would
 * otherwise be taken for.
 */

export type RouteGroup = 'disclosure' | 'catalogue' | 'account' | 'ingest' | 'statistics' | 'records' | 'subscriptions' | 'notifications' | 'inspections' | 'credit' | 'problem-data';

export interface RouteLine {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  group: RouteGroup;
  /** Served without a key (一公开). */
  public?: true;
}

export const ROUTE_TABLE = {
  publicLicences: { method: 'get', path: '/public/licences', group: 'disclosure' },
  publicPenalties: { method: 'get', path: '/public/penalties', group: 'disclosure' },
  publicInspections: { method: 'get', path: '/public/inspections', group: 'disclosure' },
  getCatalogue: { method: 'get', path: '/v1/catalogue', group: 'catalogue', public: true },
  getCatalogueChanges: { method: 'get', path: '/v1/catalogue/changes', group: 'catalogue', public: true },
  getCatalogueItem: { method: 'get', path: '/v1/catalogue/{code}', group: 'catalogue', public: true },
  getQuota: { method: 'get', path: '/v1/catalogue/{code}/quota', group: 'catalogue', public: true },
  me: { method: 'get', path: '/v1/me', group: 'account' },
  postRecordBatch: { method: 'post', path: '/v1/records/batch', group: 'ingest' },
  postRecord: { method: 'post', path: '/v1/records', group: 'ingest' },
  listPosted: { method: 'get', path: '/v1/records', group: 'records' },
  getStatistics: { method: 'get', path: '/v1/statistics', group: 'statistics' },
  listStatistics: { method: 'get', path: '/v1/statistics/departments', group: 'statistics' },
  listProblemData: { method: 'get', path: '/v1/problem-data', group: 'problem-data' },
  getProblemData: { method: 'get', path: '/v1/problem-data/{id}', group: 'problem-data' },
  explainProblemData: { method: 'post', path: '/v1/problem-data/{id}/explanation', group: 'problem-data' },
  exportStandard: { method: 'get', path: '/v1/disclosure/{kind}/export', group: 'disclosure' },
  findParty: { method: 'post', path: '/v1/parties/find', group: 'records' },
  getRecord: { method: 'get', path: '/v1/records/{id}', group: 'records' },
  getProfile: { method: 'get', path: '/v1/enterprises/{creditCode}', group: 'records' },
  searchEnterprises: { method: 'get', path: '/v1/enterprises', group: 'records' },
  compareEnterprises: { method: 'post', path: '/v1/enterprises/compare', group: 'records' },
  getHistory: { method: 'get', path: '/v1/enterprises/{creditCode}/records', group: 'records' },
  getAccessLog: { method: 'get', path: '/v1/enterprises/{creditCode}/access-log', group: 'records' },
  createSubscription: { method: 'post', path: '/v1/subscriptions', group: 'subscriptions' },
  listSubscriptions: { method: 'get', path: '/v1/subscriptions', group: 'subscriptions' },
  getSubscription: { method: 'get', path: '/v1/subscriptions/{id}', group: 'subscriptions' },
  updateSubscription: { method: 'patch', path: '/v1/subscriptions/{id}', group: 'subscriptions' },
  deleteSubscription: { method: 'delete', path: '/v1/subscriptions/{id}', group: 'subscriptions' },
  rotateSecret: { method: 'post', path: '/v1/subscriptions/{id}/rotate-secret', group: 'subscriptions' },
  retirePreviousSecret: { method: 'post', path: '/v1/subscriptions/{id}/retire-previous-secret', group: 'subscriptions' },
  listInbox: { method: 'get', path: '/v1/inbox', group: 'notifications' },
  listOverdue: { method: 'get', path: '/v1/notifications/overdue', group: 'notifications' },
  getNotification: { method: 'get', path: '/v1/notifications/{id}', group: 'notifications' },
  acknowledge: { method: 'post', path: '/v1/notifications/{id}/ack', group: 'notifications' },
  giveFeedback: { method: 'post', path: '/v1/notifications/{id}/feedback', group: 'notifications' },
  redrive: { method: 'post', path: '/v1/deliveries/redrive', group: 'notifications' },
  createPlan: { method: 'post', path: '/v1/inspection-plans', group: 'inspections' },
  getPlan: { method: 'get', path: '/v1/inspection-plans/{id}', group: 'inspections' },
  fixPlan: { method: 'post', path: '/v1/inspection-plans/{id}/fix', group: 'inspections' },
  drawPlan: { method: 'post', path: '/v1/inspection-plans/{id}/draw', group: 'inspections' },
  listPlanTasks: { method: 'get', path: '/v1/inspection-plans/{id}/tasks', group: 'inspections' },
  putCalendarYear: { method: 'put', path: '/v1/calendar/{year}', group: 'inspections' },
  listPublicPlans: { method: 'get', path: '/v1/public/plans', group: 'inspections', public: true },
  getPublicPlan: { method: 'get', path: '/v1/public/plans/{id}', group: 'inspections', public: true },
  getDrawDocument: { method: 'get', path: '/v1/public/plans/{id}/draw', group: 'inspections', public: true },
  listPublicTasks: { method: 'get', path: '/v1/public/plans/{id}/tasks', group: 'inspections', public: true },
  getCalendar: { method: 'get', path: '/v1/public/calendar', group: 'inspections', public: true },
  getPublicList: { method: 'get', path: '/v1/public/credit/lists/{list}', group: 'credit', public: true },
  getPublicListHistory: { method: 'get', path: '/v1/public/credit/lists/{list}/enterprises/{creditCode}', group: 'credit', public: true },
  getPublicCommitment: { method: 'get', path: '/v1/public/licences/{id}/commitment', group: 'credit', public: true },
  getList: { method: 'get', path: '/v1/credit/lists/{list}', group: 'credit' },
  getListChanges: { method: 'get', path: '/v1/credit/lists/{list}/changes', group: 'credit' },
  addListEntry: { method: 'post', path: '/v1/credit/lists/{list}/entries', group: 'credit' },
  removeListEntry: { method: 'post', path: '/v1/credit/lists/{list}/enterprises/{creditCode}/removal', group: 'credit' },
  creditCheck: { method: 'get', path: '/v1/credit/check/{creditCode}', group: 'credit' },
  getProposal: { method: 'get', path: '/v1/credit/proposals/{id}', group: 'credit' },
  rejectProposal: { method: 'post', path: '/v1/credit/proposals/{id}/rejection', group: 'credit' },
  reportMeasure: { method: 'post', path: '/v1/credit/reports', group: 'credit' },
  listReports: { method: 'get', path: '/v1/credit/reports', group: 'credit' },
  listRisk: { method: 'get', path: '/v1/credit/risk', group: 'credit' },
  getCommitment: { method: 'get', path: '/v1/licences/{id}/commitment', group: 'credit' },
  answerRevocation: { method: 'post', path: '/v1/licences/{id}/commitment/revocation-answer', group: 'credit' },
  addCatalogueVersion: { method: 'post', path: '/v1/catalogue/{code}/versions', group: 'catalogue' },
  listUnmatchedPhrases: { method: 'get', path: '/v1/scope-phrases/unmatched', group: 'catalogue' },
  listClaimPool: { method: 'get', path: '/v1/claims', group: 'catalogue' },
  claimNotice: { method: 'post', path: '/v1/claims/{id}/claim', group: 'catalogue' },
  passNotice: { method: 'post', path: '/v1/claims/{id}/pass', group: 'catalogue' },
  listUncovered: { method: 'get', path: '/v1/cover/uncovered', group: 'catalogue' },
} as const satisfies Record<string, RouteLine>;

export type RouteName = keyof typeof ROUTE_TABLE;
/** The operations a group's module serves. */
export type RoutesOf<G extends RouteGroup> = { [K in RouteName]: (typeof ROUTE_TABLE)[K]['group'] extends G ? K : never }[RouteName];
