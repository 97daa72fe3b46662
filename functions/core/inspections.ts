/**
 * 双随机、一公开 random inspections (双随机抽查): a supervising department's plans, from the
 * published commitment through the frozen pool and roster to the draw, its tasks and their
 * results, and the public (一公开) views of all of it.
 *
 * The order is what makes a draw checkable: the commitment to the plan's secret is stored and
 * published when the plan is created, before any pool exists; fixing the plan freezes the pool and
 * the roster and publishes their hashes; only the draw reveals the secret. The draw itself is
 * scripts/redraw.mjs (through ./draw.ts), and its document is stored as published, so what anyone
 * downloads is exactly what the script re-runs.
 */
import type { CatalogueItem } from '../../schemas/catalogue';
import { shippedData } from '../../schemas/data-files';
import { PlanCreate } from '../../schemas/inspections';
import { divisionsUnder } from '../../schemas/refdata/index';
import { industrySection } from '../../schemas/refdata/industry-sections';
import type { InspectionData, RecordInput } from '../../schemas/records';
import { currentCalendar } from './calendar';
import { cursorBinding, sealPage } from './cursor';
import { indexCatalogue, itemAsOf, type CatalogueIndex } from './catalogue';
import type { PoolClasses, PoolEntry, PreviousTask, RosterContent } from './draw';
import { conflict, forbidden, invalidInput, notFound, type FieldError } from './errors';
import type { ApiClient, RatedClass, StoredPlan, StoredTask, StoredVersion } from './model';
import type { Ports } from './ports';
import { fieldErrors, PARSE_OPTIONS } from './validation';
import { resultDue } from './workdays';
import { chinaDate } from './china-time';

/** The largest pool a plan may freeze in one request; a wider plan is split by region. */
export const MAX_POOL_SIZE = 200_000;
/** Characters per stored part of a pool, roster or draw document: at most 300 KB of UTF-8, under the 400 KB item limit. */
export const PART_CHARS = 100_000;
const PLAN_SCOPE = 'inspections:plan';
const TASK_ID = /^(pln_[0-9a-f]{16})\.([0-9A-HJ-NPQRTUWXY]{18})$/;

export const taskId = (planId: string, creditCode: string) => `${planId}.${creditCode}`;

/** Today in China Standard Time, which is what dates in plans mean. */
const todayCst = chinaDate;

// The shipped items as they are: their schema is checked by the catalogue's own tests, and parsing
// them here would put the whole catalogue contract into the api bundle for two fields.
let catalogue: CatalogueIndex | undefined;
// The draw (scripts/redraw.mjs) is loaded when a plan is created, fixed or drawn, not on every cold start.
const drawing = () => import('./draw');

const catalogueIndex = () => (catalogue ??= indexCatalogue(shippedData<{ items: CatalogueItem[] }>('catalogue/items.json').items));

/** Cuts a text into stored parts. */
export function intoParts(text: string): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += PART_CHARS) parts.push(text.slice(i, i + PART_CHARS));
  return parts.length ? parts : [''];
}

function requirePlanScope(client: ApiClient) {
  if (!client.scopes.includes(PLAN_SCOPE)) throw forbidden(`client ${client.clientId} may not manage inspection plans (needs scope ${PLAN_SCOPE})`);
}

async function ownPlan(ports: Ports, client: ApiClient, planId: string): Promise<StoredPlan> {
  requirePlanScope(client);
  const plan = /^pln_[0-9a-f]{16}$/.test(planId) ? await ports.plans.get(planId) : undefined;
  if (!plan || plan.department !== client.department) throw notFound(`department ${client.department} has no plan ${planId}`);
  return plan;
}

export async function createPlan(ports: Ports, client: ApiClient, body: unknown): Promise<StoredPlan> {
  requirePlanScope(client);
  const parsed = PlanCreate.safeParse(body, PARSE_OPTIONS);
  const errors: FieldError[] = parsed.success ? [] : fieldErrors(parsed.error);
  const now = ports.clock.now();
  const today = todayCst(now);
  if (parsed.success) {
    const p = parsed.data;
    const departments = p.departments ?? [client.department];
    if (!departments.includes(client.department)) errors.push({ path: '/departments', message: `must include the organising department ${client.department}`, code: 'organiser' });
    p.roster.forEach((r, i) => {
      if (!p.departments && r.department !== client.department) errors.push({ path: `/roster/${i}/department`, message: 'is not one of the plan’s departments', code: 'department' });
    });
    p.catalogueItemCodes.forEach((code, i) => {
      const standing = itemAsOf(catalogueIndex(), code, today);
      if (standing.status !== 'in-force') errors.push({ path: `/catalogueItemCodes/${i}`, message: `is not an item of the permit catalogue in force (${standing.status})`, code: 'catalogue-item' });
    });
    p.regionPrefixes.forEach((prefix, i) => {
      if (!divisionsUnder(prefix).length) errors.push({ path: `/regionPrefixes/${i}`, message: 'no GB/T 2260 division starts with it', code: 'region' });
    });
    if (p.inspectBy < today) errors.push({ path: '/inspectBy', message: `cannot be before today (${today})`, code: 'date' });
  }
  if (errors.length || !parsed.success) throw invalidInput(`the plan has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}`, errors);
  const p = parsed.data;
  const { planCommitment } = await drawing();
  const { secret, commitment } = planCommitment(ports.ids);
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const plan: StoredPlan = {
    id: `pln_${Buffer.from(ports.ids.random(8), 'base64url').toString('hex').padEnd(16, '0').slice(0, 16)}`,
    department: client.department,
    title: p.title,
    catalogueItemCodes: [...new Set(p.catalogueItemCodes)].sort(byCode),
    regionPrefixes: [...new Set(p.regionPrefixes)].sort(byCode),
    ...(p.industryPrefixes ? { industryPrefixes: [...new Set(p.industryPrefixes)].sort(byCode) } : {}),
    inspectBy: p.inspectBy,
    rules: {
      ratios: p.ratios,
      inspectorsPerTask: p.inspectorsPerTask,
      requiredFields: [...new Set(p.requiredFields)].sort(byCode),
      departments: [...new Set(p.departments ?? [client.department])].sort(byCode),
    },
    roster: p.roster.map((r) => ({ ...r, conflicts: [...new Set(r.conflicts)].sort(byCode) })),
    commitment,
    secret,
    createdAt: now.toISOString(),
    createdBy: client.clientId,
    status: 'created',
  };
  await ports.plans.create(plan);
  return plan;
}

/** `<section letter><digits>` prefixes of the pool directory's sort key for the plan's industry prefixes ('' for any industry). */
function industryKeyPrefixes(prefixes: readonly string[] | undefined): string[] {
  if (!prefixes) return [''];
  return prefixes.map((p) => (/^[A-T]$/.test(p) ? p : `${industrySection(p) ?? '?'}${p}`));
}

/** The enterprises the plan's filters match, from the pool directory: one query per division and industry prefix. */
async function poolEntries(ports: Ports, plan: StoredPlan): Promise<PoolEntry[]> {
  const divisions = [...new Set(plan.regionPrefixes.flatMap(divisionsUnder))];
  const keys = industryKeyPrefixes(plan.industryPrefixes);
  const found = new Map<string, PoolEntry>();
  for (const division of divisions) {
    for (const key of keys) {
      for (const e of await ports.directory.inDivision(division, key)) {
        found.set(e.creditCode, { creditCode: e.creditCode, riskClass: e.riskClass ?? 'unrated' });
        if (found.size > MAX_POOL_SIZE) {
          throw invalidInput(`the plan's filters match more than ${MAX_POOL_SIZE} enterprises; split it by region`, [
            { path: '/regionPrefixes', message: 'matches too many enterprises', code: 'pool-too-large' },
          ]);
        }
      }
    }
  }
  return [...found.values()];
}

/** Tasks of the latest plan drawn before now for each of the plan's items: their inspectors may not draw those enterprises again. */
async function previousTasks(ports: Ports, plan: StoredPlan, before: string): Promise<{ plans: string[]; tasks: PreviousTask[] }> {
  const plans = [...new Set((await Promise.all(plan.catalogueItemCodes.map((code) => ports.plans.previousPlan(code, before)))).filter((id): id is string => !!id && id !== plan.id))].sort();
  const tasks: PreviousTask[] = [];
  for (const id of plans) {
    let cursor: string | undefined;
    do {
      const page = await ports.plans.tasks(id, cursor, 100);
      for (const t of page.items) tasks.push({ creditCode: t.creditCode, inspectors: t.inspectors.map((i) => i.id) });
      cursor = page.next;
    } while (cursor);
  }
  return { plans, tasks };
}

/** Freezes the pool and the roster (with their exclusions) and publishes their hashes. */
export async function fixPlan(ports: Ports, client: ApiClient, planId: string): Promise<StoredPlan> {
  const plan = await ownPlan(ports, client, planId);
  if (plan.status !== 'created') throw conflict('plan-already-fixed', `plan ${planId} is ${plan.status} already`);
  const { buildRoster, checkDrawInput, freezePool, poolHash, rosterHash } = await drawing();
  const pool = freezePool(await poolEntries(ports, plan));
  const size = Object.values(pool).reduce((n, list) => n + list.length, 0);
  if (!size) throw invalidInput('no registered enterprise matches the plan', [{ path: '/regionPrefixes', message: 'no registered enterprise in these regions and industries', code: 'empty-pool' }]);
  const at = ports.clock.now().toISOString();
  const previous = await previousTasks(ports, plan, at);
  const roster = buildRoster(plan.roster, previous.tasks, pool);
  const problems = checkDrawInput({ planId: plan.id, commitment: plan.commitment, secret: plan.secret, rules: plan.rules, pool, roster });
  if (problems.length)
    throw invalidInput(
      'the plan cannot be drawn',
      problems.map((p) => ({ path: p.path.replace(/^\/rules/, ''), message: p.message, code: 'draw-input' })),
    );
  const poolText = intoParts(JSON.stringify(pool));
  const rosterText = intoParts(JSON.stringify(roster));
  // Parts first: a crash before the plan says fixed leaves it created, and fixing again rewrites them.
  await ports.plans.putParts(plan.id, 'POOL', poolText);
  await ports.plans.putParts(plan.id, 'ROSTER', rosterText);
  const counts: Partial<Record<RatedClass | 'unrated', number>> = {};
  for (const [c, list] of Object.entries(pool)) counts[c as RatedClass | 'unrated'] = list.length;
  const fixed: StoredPlan = {
    ...plan,
    status: 'fixed',
    fixed: { at, poolHash: poolHash(pool), poolSize: size, counts, rosterHash: rosterHash(roster), parts: { pool: poolText.length, roster: rosterText.length }, previousPlans: previous.plans },
  };
  if (!(await ports.plans.advance(fixed, 'created'))) throw conflict('plan-already-fixed', `plan ${planId} was fixed meanwhile`);
  return fixed;
}

const dayBefore = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** Reveals the secret, runs the draw, stores its document and one task per drawn enterprise. */
export async function drawPlan(ports: Ports, client: ApiClient, planId: string): Promise<StoredPlan> {
  const plan = await ownPlan(ports, client, planId);
  if (plan.status === 'created') throw conflict('plan-not-fixed', `plan ${planId} must be fixed before it is drawn`);
  if (plan.status === 'drawn' || !plan.fixed) throw conflict('plan-already-drawn', `plan ${planId} is drawn already`);
  const [poolText, rosterText] = await Promise.all([ports.plans.parts(plan.id, 'POOL'), ports.plans.parts(plan.id, 'ROSTER')]);
  const pool = JSON.parse(poolText.join('')) as PoolClasses;
  const roster = JSON.parse(rosterText.join('')) as RosterContent;
  const { draw } = await drawing();
  const doc = draw({ planId: plan.id, commitment: plan.commitment, secret: plan.secret, rules: plan.rules, pool, roster });
  if (doc.pool.hash !== plan.fixed.poolHash || doc.roster.hash !== plan.fixed.rosterHash)
    throw new Error(`plan ${planId}: the stored pool or roster no longer matches the hash published when it was fixed`);
  const docText = intoParts(JSON.stringify(doc));
  await ports.plans.putParts(plan.id, 'DRAW', docText);

  const at = ports.clock.now().toISOString();
  const due = resultDue(plan.inspectBy, await currentCalendar(ports));
  const inspectors = new Map(roster.inspectors.map((i) => [i.id, i]));
  const tasks: StoredTask[] = doc.tasks.map((t) => {
    const team = t.inspectors.map((id) => {
      const i = inspectors.get(id);
      if (!i) throw new Error(`draw of ${planId} names inspector ${id} who is not on the roster`);
      return { id, name: i.name, certificate: i.certificate, department: i.department };
    });
    return {
      id: taskId(plan.id, t.creditCode),
      planId: plan.id,
      creditCode: t.creditCode,
      riskClass: t.riskClass,
      organiser: plan.department,
      catalogueItemCodes: plan.catalogueItemCodes,
      inspectors: team,
      departments: [...new Set(team.map((i) => i.department))].sort(),
      status: t.unassigned ? 'unassigned' : 'open',
      createdAt: at,
      resultDue: due,
    };
  });
  // The overdue job must look at the due date of these tasks even if it has passed dates beyond it.
  await ports.plans.setDueCursor(dayBefore(due.dueDate), true);
  await ports.plans.putTasks(tasks);
  await ports.plans.recordItemPlans(plan.catalogueItemCodes, at, plan.id);
  const drawn: StoredPlan = {
    ...plan,
    status: 'drawn',
    drawn: { at, seed: doc.seed, parts: docText.length, tasks: tasks.length, unassigned: tasks.filter((t) => t.status === 'unassigned').length, resultDue: due },
  };
  if (!(await ports.plans.advance(drawn, 'fixed'))) throw conflict('plan-already-drawn', `plan ${planId} was drawn meanwhile`);
  return drawn;
}

/** What anyone may read about a plan: the secret only once drawn, inspectors by name and certificate only. */
export function presentPlan(plan: StoredPlan, viewer?: ApiClient) {
  const index = catalogueIndex();
  const own = viewer?.department === plan.department && viewer.scopes.includes(PLAN_SCOPE);
  const personal = own && viewer.scopes.includes('personal:read');
  return {
    id: plan.id,
    department: plan.department,
    title: plan.title,
    status: plan.status,
    commitment: plan.commitment,
    committedAt: plan.createdAt,
    coverage: {
      catalogueItems: plan.catalogueItemCodes.map((code) => {
        const standing = itemAsOf(index, code, plan.createdAt.slice(0, 10));
        const item = standing.status === 'in-force' ? standing.item : undefined;
        const frequency = item?.supervision.inspectionFrequency;
        return { code, name: item?.name ?? code, ...(frequency ? { inspectionFrequency: frequency } : {}) };
      }),
      regionPrefixes: plan.regionPrefixes,
      ...(plan.industryPrefixes ? { industryPrefixes: plan.industryPrefixes } : {}),
    },
    inspectBy: plan.inspectBy,
    rules: plan.rules,
    roster: plan.roster.map(({ id, name, certificate, department, fields, conflicts, phone }) => ({
      id,
      name,
      certificate,
      department,
      fields,
      ...(own ? { conflicts, ...(phone ? { phone: personal ? phone : maskPhone(phone) } : {}) } : {}),
    })),
    ...(plan.fixed
      ? {
          pool: { hash: plan.fixed.poolHash, size: plan.fixed.poolSize, counts: plan.fixed.counts, rosterHash: plan.fixed.rosterHash, fixedAt: plan.fixed.at, previousPlans: plan.fixed.previousPlans },
        }
      : {}),
    ...(plan.drawn
      ? {
          draw: {
            drawnAt: plan.drawn.at,
            secret: plan.secret,
            seed: plan.drawn.seed,
            tasks: plan.drawn.tasks,
            unassigned: plan.drawn.unassigned,
            resultDue: plan.drawn.resultDue,
            documentParts: plan.drawn.parts,
            document: `/v1/public/plans/${plan.id}/draw`,
          },
        }
      : {}),
  };
}

const maskPhone = (phone: string) => (phone.length > 4 ? `${'*'.repeat(phone.length - 4)}${phone.slice(-4)}` : '****');

/** The organising department's own plan, with conflicts and (masked) personal data. */
export async function readOwnPlan(ports: Ports, client: ApiClient, planId: string) {
  return presentPlan(await ownPlan(ports, client, planId), client);
}

export async function readPlan(ports: Ports, planId: string, viewer?: ApiClient) {
  const plan = /^pln_[0-9a-f]{16}$/.test(planId) ? await ports.plans.get(planId) : undefined;
  if (!plan) throw notFound(`no plan ${planId}`);
  return presentPlan(plan, viewer);
}

/** The published draw document's text, whole or one part. */
export async function drawDocument(ports: Ports, planId: string, part?: number): Promise<{ text: string; parts: number }> {
  const plan = /^pln_[0-9a-f]{16}$/.test(planId) ? await ports.plans.get(planId) : undefined;
  if (!plan?.drawn) throw notFound(`plan ${planId} has no published draw`);
  if (part !== undefined && part >= plan.drawn.parts) throw notFound(`the draw document of plan ${planId} has ${plan.drawn.parts} parts (0-${plan.drawn.parts - 1})`);
  const texts = await ports.plans.parts(planId, 'DRAW', part);
  return { text: texts.join(''), parts: plan.drawn.parts };
}

/** A task as the public sees it: results only where the record is public. */
export function presentTask(t: StoredTask, publicView: boolean) {
  const { id, planId, creditCode, riskClass, inspectors, departments, status, resultDue, result, escalatedAt } = t;
  const shown =
    result && (!publicView || result.public)
      ? { recordId: result.recordId, department: result.department, date: result.date, result: result.result, postedAt: result.postedAt, late: result.late }
      : undefined;
  return { id, planId, creditCode, riskClass, inspectors, departments, status, resultDue, ...(shown ? { result: shown } : {}), ...(escalatedAt ? { escalatedAt } : {}) };
}

/** A plan's tasks: for the public (results only where public), or for `viewer`, the organiser, with every result. */
export async function listTasks(ports: Ports, planId: string, cursor: string | undefined, limit: number, viewer?: ApiClient) {
  const plan = /^pln_[0-9a-f]{16}$/.test(planId) ? await ports.plans.get(planId) : undefined;
  if (!plan?.drawn) throw notFound(`plan ${planId} has no published draw`);
  const binding = cursorBinding('tasks', viewer?.clientId ?? 'public', planId);
  const page = sealPage(ports.cursors, await ports.plans.tasks(planId, cursor === undefined ? undefined : ports.cursors.open(cursor, binding), limit), binding);
  return { items: page.items.map((t) => presentTask(t, !viewer)), ...(page.next ? { next: page.next } : {}) };
}

export async function listPlans(ports: Ports, department: string, cursor: string | undefined, limit: number) {
  const binding = cursorBinding('plans', 'public', department);
  return sealPage(ports.cursors, await ports.plans.list(department, cursor === undefined ? undefined : ports.cursors.open(cursor, binding), limit), binding);
}

/**
 * Checks a random inspection record that names its task (before anything is written): the task
 * exists and is out, the record is about its enterprise and comes from one of its departments.
 */
export async function checkTaskReference(ports: Ports, client: ApiClient, input: RecordInput): Promise<StoredTask | undefined> {
  if (input.kind !== 'inspection' || input.data.taskId === undefined) return undefined;
  const m = TASK_ID.exec(input.data.taskId);
  const task = m ? await ports.plans.getTask(m[1], m[2]) : undefined;
  const errors: FieldError[] = [];
  if (!task) errors.push({ path: '/data/taskId', message: 'no such task', code: 'task' });
  else {
    if (task.creditCode !== input.creditCode) errors.push({ path: '/creditCode', message: `task ${task.id} is about ${task.creditCode}`, code: 'task' });
    if (!task.departments.includes(client.department)) errors.push({ path: '/data/taskId', message: `task ${task.id} is not assigned to department ${client.department}`, code: 'task' });
  }
  if (errors.length) throw invalidInput('the record names a task it cannot close', errors);
  return task;
}

/** Closes the task with the stored record; repeated for a replayed post, so a crash between the two writes heals on retry. */
export async function closeTask(ports: Ports, task: StoredTask, record: StoredVersion, calendar = currentCalendar): Promise<void> {
  const data = record.data as InspectionData;
  const late = record.receivedAt > resultDue(data.date, await calendar(ports)).overdueAfter || record.receivedAt > task.resultDue.overdueAfter;
  await ports.plans.closeTask(
    task.planId,
    task.creditCode,
    { recordId: record.id, department: record.department, date: data.date, result: data.result, public: data.public, postedAt: record.receivedAt, late },
    record.receivedAt,
  );
}
