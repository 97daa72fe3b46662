/**
 * The single table's layout: key builders, attribute names, the entity type stamped on every
 * item, the indexes with their projections and the stream filter patterns. Nothing else in the
 * code base builds PK/SK strings or names a table attribute; infra/ builds the table from these
 * constants, so the deployed and the local table cannot differ from what the stores expect.
 * test/unit/table.test.ts checks the two tables below against the code.
 *
 * Items (every item carries `type`, its entity name)
 * | type                  | PK                     | SK                        | index keys (sparse)                                        |
 * |-----------------------|------------------------|---------------------------|------------------------------------------------------------|
 * | record-version        | REC#<recordId>         | V#<version6>              | GSI1 ENT#<creditCode> / <kind>#<date>#<recordId> (current only); GSI4 POSTED#<department>#<kind> / <date>#<recordId> (current only); GSI2 PUB#<kind>#<date> / <recordId> (current licences, penalties and public inspections) |
 * | access-log            | LOG#<creditCode>       | S<seq12>                  |                                                            |
 * | access-log-once       | LOG#<creditCode>       | ONCE#<digest>             |                                                            |
 * | client                | CLIENTS                | <clientId>                |                                                            |
 * | credit-code-exception | CREDIT_CODE_EXCEPTIONS | <creditCode>              |                                                            |
 * | subscription          | SUBS                   | <department>#<id>         |                                                            |
 * | subscription-stamp    | SUBS                   | !STAMP                    |                                                            |
 * | fanout-parked         | FANOUT_PARKED          | <itemPk>@<itemSk>         |                                                            |
 * | rate-window           | RATE#<clientId>        | W#<window>                |                                                            |
 * | notification          | INBOX#<department>     | N#<eventTime>#<id>        | GSI2 OPEN#<department> / <ackBy>#<id> (until acknowledged, see "The open index") |
 * | notification-delivered | INBOX#<department>    | D#<id>                    |                                                            |
 * | enterprise-directory  | ENT#<creditCode>       | DIRECTORY                 | GSI3 POOL#<regionCode> / <industryKey>#<creditCode> (while registered) |
 * | inspection-plan       | PLAN#<planId>          | PLAN                      |                                                            |
 * | plan-listing          | PLANS#<department>     | <createdAt>#<planId>      |                                                            |
 * | plan-chunk            | PLAN#<planId>          | <part>#<chunk4>           |                                                            |
 * | inspection-task       | PLAN#<planId>          | TASK#<creditCode>         | GSI2 DUE#<dueDate> / <planId>#<creditCode> (until closed)  |
 * | item-plan             | ITEMPLANS#<itemCode>   | <drawnAt>#<planId>        |                                                            |
 * | calendar-year         | CALENDAR               | <year>                    |                                                            |
 * | job-cursor            | JOBS                   | <job>                     |                                                            |
 * | department-entry      | DEPTS                  | <department>              |                                                            |
 * | credit-feed-head      | CFEED#<list>           | HEAD                      |                                                            |
 * | credit-change         | CFEED#<list>#<block>   | <seq12>                   |                                                            |
 * | credit-listed         | LISTED#<list>          | <creditCode>              |                                                            |
 * | credit-membership     | ENT#<creditCode>       | CR#LIST#<list>            | byDueMonth CDUE#<month> / <actOn>#<creditCode>#<what> (while something is due) |
 * | credit-proposal       | ENT#<creditCode>       | CR#PROP#<proposalId>      |                                                            |
 * | commitment            | ENT#<creditCode>       | CR#CMT#<recordId>         | byDueMonth CDUE#<month> / <actOn>#<creditCode>#<what> (while a step is due); GSI2 CMT#<grantedMonth> / <grantedOn>#<recordId> |
 * | risk                  | ENT#<creditCode>       | CR#RISK                   | byRiskClass RISK#<region>#<riskClass> / <creditCode>       |
 * | credit-report         | CREPORT#<month>        | <at>#<reportId>           |                                                            |
 * | directed-event        | EVT#<eventId>          | E                         |                                                            |
 * | catalogue-version     | CATALOGUE              | ITEM#<code>#<effectiveFrom> |                                                          |
 * | catalogue-stamp       | CATALOGUE              | STAMP                     |                                                            |
 * | catalogue-change      | CATALOGUE_CHANGES      | <at>#<code>#<effectiveFrom> |                                                          |
 * | quota-stock           | STOCK#<code>           | STOCK                     |                                                            |
 * | unmatched-phrase      | SCOPE_UNMATCHED        | <phrase>                  |                                                            |
 * | licence-cover         | ENT#<creditCode>       | COVER                     | GSI5 UNCOVERED#<region> / <since>#<creditCode>; GSI6 RECHECK#<date>#<shard> / <creditCode> |
 * | console-session       | SESSION#<tokenHash>    | SESSION                   |                                                            |
 * | name-index            | NAME#<prefix2>         | <normalised>#<creditCode> |                                                            |
 * | statistics-counter    | STATS#<department>#<quarter>#<shard> | COUNTS      |                                                            |
 * | record-counted        | COUNTED#<recordId>     | V#<version6>              |                                                            |
 * | import-job            | IMPORT#<jobId>         | JOB                       |                                                            |
 * | import-rows           | IMPORT#<jobId>         | ROWS#<chunk4>             |                                                            |
 * | import-report         | IMPORT#<jobId>         | REPORT#<chunk4>           |                                                            |
 * | problem-data          | PDATA#<recordId>       | <version6>#<check>        | GSI2 PDLIST#<department>#<status>#<check> / <at>#<id>      |
 * | problem-waiting       | ENT#<creditCode>       | PDWAIT#<id>               |                                                            |
 *
 * Indexes
 * | index | serves                        | projection                                                         |
 * |-------|-------------------------------|--------------------------------------------------------------------|
 * | GSI1  | enterprise: its live records  | id, version, kind, creditCode, date, summary, department, receivedAt |
 * | GSI2  | what awaits action: a department's open notifications, open inspection tasks by result due date; public disclosure (一公开) by kind and publication date; public commitments by month granted; a department's problem items by status and check | ALL |
 * | GSI3  | the pool directory: registered enterprises by region, then industry | creditCode, riskClass       |
 * | GSI4  | a department's own records, by kind and date | id, version, kind, creditCode, date, summary, department, receivedAt |
 * | byDueMonth | what falls due, by month of its date | ALL                                                         |
 * | byRiskClass | enterprises by region and risk class | creditCode, regionCode, riskClass, computedAt             |
 * | GSI5  | enterprises with a 许可项目 uncovered, per district, longest first | creditCode, region, uncoveredSince, uncovered |
 * | GSI6  | licence covers to look at again on a date (a licence expires or starts) | KEYS_ONLY                   |
 *
 * A licence cover carries the GSI5 keys while a need is uncovered, and the GSI6 keys while one of
 * its licences will expire or start on a later date (the date is the next one on which it changes).
 *
 * Only the current version of a record carries the GSI1 keys, so GSI1 holds exactly one entry per
 * live record. It projects the summary (no personal fields), not the body: a 1 KB record costs
 * 2 WCU on the table plus 1 on the index, and a profile is one query page. GSI2 holds a
 * notification until it is acknowledged: a department's pull of what it has not seen, redrive of
 * failed deliveries and the overdue job read it instead of whole inboxes; it also holds each open
 * inspection task under its result due date, which the overdue job reads one day at a time.
 *
 * The open index (GSI2 OPEN#<department>). A notification's sort key there is `<ackBy>#<id>`, so
 * a department's open notifications read soonest due first and "overdue" is a key range: `GSI2SK
 * < now`. ackBy is createdAt plus the deployment's ackWithinHours, so this order is also the order
 * of arrival (the open inbox and the claim pool read "oldest first" unchanged in meaning). No
 * extra item or write: the index keys ride on the notification's put as before.
 * - Older entries: notifications written before this keying carry `<eventTime>#<id>`. An event
 *   happens before its notification is made (eventTime <= createdAt <= ackBy), so the range `< now`
 *   still holds every old entry that is overdue; the overdue list filters on `ackBy < now` to drop
 *   old entries that are not due yet. The bound: those exist only for ackWithinHours after the
 *   change, are read and dropped (a page may come back short), and within a department old
 *   entries sort by event time rather than by ackBy.
 * - The overdue job keeps its place per department (`JOBS/notification-overdue#<department>`)
 *   and reads only `GSI2SK BETWEEN place AND now`: the notifications it escalated stay open until
 *   acknowledged, but it does not read them again run after run. A new notification lies at its
 *   ackBy, no earlier than its creation, so it cannot fall behind a place that trails now; the
 *   place trails now by 30 minutes (longer than a fan-out Lambda can take between stamping a
 *   notification and writing it), and never passes an old entry that was not due yet (see
 *   nextOverduePlace). Its first run in a department reads the whole open partition once. Not
 *   covered: an old-keyed notification written by the previous fan-out code after the job's first
 *   run (a deployment's overlap) with an event time before that run's place is listed but not
 *   escalated.
 *
 * The pool directory (对象库目录) is one small item per registered enterprise, kept from its latest
 * registration by fan-out (region, industry) and by the credit rating (`riskClass`, A–D; absent
 * means unrated). GSI3 keys it by GB/T 2260 division and then by `<section letter><industry
 * code>`, so a plan's pool is one query per division of its region prefixes and per industry
 * prefix (a `begins_with` on the sort key), never a Scan. A county (区县) is one partition: in
 * Zhejiang the largest hold well under a million enterprises, a pool read of 60 bytes each is
 * 0.5 RCU per 4 KB (about 7,500 RCU for a million), and a county-wide re-rating writes at most
 * about 1,000 directory updates per second into one index partition.
 *
 * A plan's pool snapshot, published roster and draw document can exceed the 400 KB item limit, so
 * each is stored as its canonical JSON text cut into parts of 100,000 characters (at most 300 KB of
 * UTF-8) under the plan's partition, their count and hash on the plan item.
 *
 * byRiskClass lists a region's enterprises of one risk class (sampling for 双随机 draws);
 * byDueMonth holds only items with a pending deadline (a list entry's planned end, a commitment
 * step), so the scheduled credit job reads the months up to today instead of scanning: an item
 * leaves byDueMonth when its step is handled. Both are named for their access pattern, their key
 * attributes (DUEPK/DUESK, RISKPK/RISKSK) likewise.
 *
 * Credit (信用) items share the enterprise partition under the `CR#` prefix, so a credit check is
 * one query (`begins_with CR#`) that reads list memberships, commitments, proposals and the risk
 * class together (the access log has a partition of its own).
 *
 * The credit list change feed (变更流), one per list
 * - Order: every change of a list (addition, removal, expiry) gets the next number of the list's
 *   sequence, kept in the head item `CFEED#<list>/HEAD`. A writer reads the head (strongly
 *   consistent, value n) and writes in ONE transaction: the head `SET seq = n+1` on condition
 *   `seq = n`, the change item `n+1`, the enterprise's membership and the list's member item. Two
 *   writers that read the same n cannot both commit; the loser re-reads and retries (the store
 *   retries with jitter). So the sequence has no gaps and no two changes share a number, and
 *   change n+1 can only commit after change n has committed: a commit order equal to the
 *   sequence order. A slow writer cannot commit "behind" a position a reader has passed: by the
 *   time it commits, its number is one above the head it read, which no reader has been shown.
 * - Readers: a page is a strongly consistent Query `CFEED#<list>#<block>`, `SK > cursor`, in key
 *   order; the reader returns only the unbroken run cursor+1, cursor+2, ... and stops at the first
 *   missing number (a Query is read-committed per item, not a snapshot, so it is never trusted to
 *   skip one). The cursor is the last number returned; a follower never sees a number twice or
 *   misses one.
 * - Flat latency, no hot partition: changes are stored in blocks of 10,000 numbers per partition
 *   (`<block>` = (seq-1) div 10,000, zero-padded), so a page is one Query (two at a block's end)
 *   whatever the feed's length, and history spreads over partitions. The head item is the one
 *   item every writer of a list shares; DynamoDB takes about 1,000 writes/s on one item, and the
 *   read-then-conditional-write round trip caps a list at roughly 50-200 changes/s under
 *   contention. A province's credit lists change a few thousand times a day, far below that.
 * - Snapshot: the members of a list are the items of `LISTED#<list>` (written and deleted in the
 *   same transaction as the change), read strongly consistent. The snapshot reads the head n
 *   before its first page and hands out the feed cursor n: every change up to n is already in
 *   the members; later ones may or may not be, and replaying them converges because a change is
 *   "entry X is listed" or "entry X is removed" and an entry id is never reused.
 *   One member partition per list holds millions of small items; it is written only as fast as
 *   the head allows.
 *
 * GSI4 lists what a department posted, one partition per department and kind, newest date first;
 * a department writes far below a partition's 1,000 WCU/s. GSI2 also holds the public list (its
 * PUB# partitions never meet the OPEN# ones of notifications, and adding it took no new index): one partition
 * per kind and publication date (decision date of licences and penalties, date of public
 * inspections), so an export of a date range reads day by day and never scans; a province decides
 * some ten thousand licences a day, far below what one partition takes. GSI2 projects the whole
 * item because the export carries every standard field; only publishable records are in it.
 * Penalties stay in it after their publication end: the public read filters on `publicUntil`
 * (China date), so a penalty is gone the day after without a job having to run.
 *
 * Party keys (行政相对人). The enterprise partition ENT#<creditCode> is keyed by the party: the
 * unified social credit code whenever there is one (that path is unchanged). A licence or penalty
 * about a party without one is keyed by a derived party key in the same place:
 * - an individual business (个体工商户) known only by its registration number: `REG:<注册号>` (the
 *   number is printed on its licence and public anyway);
 * - a natural person (自然人): `NP:<32 hex>`, an HMAC-SHA256 of the document type and number under
 *   the deployment's PARTY_KEY_SECRET, so the ID number never appears in a key, an index or a log.
 *   The same person posted by two departments gets the same key; without the secret nobody can
 *   test a guessed ID number against the keys. POST /v1/parties/find derives the key from the
 *   number in a request body (never a URL) and lists the party's records.
 * Derived keys are never mistaken for credit codes: they contain ':'.
 *
 * Access patterns (cost for a 1 KB record; eventually consistent reads are half a unit per 4 KB)
 * | pattern                                   | operation                                              | cost                    |
 * |-------------------------------------------|--------------------------------------------------------|-------------------------|
 * | ingest a new record (idempotent)          | PutItem REC#id/V#000001, attribute_not_exists(PK)      | 2 WCU + 1 WCU on GSI1   |
 * | replay / conflict check                   | same PutItem returns the old item (ALL_OLD on failure) | 2 WCU, no extra read    |
 * | correct a record                          | TransactWrite: Put V#n+1, Update V#n (drop GSI1 keys)  | 2x (2 + 1) + 2x1 WCU    |
 * | latest version of a record                | Query REC#id, descending, Limit 1                      | 1 RCU (strong)          |
 * | a record with all its versions            | Query REC#id, descending                               | 0.5 RCU per 4 KB        |
 * | enterprise profile (all live records)     | Query GSI1 ENT#code                                    | 0.5 RCU per 4 KB summaries; one page up to ~3,000 records |
 * | enterprise history, one kind, newest first| Query GSI1 ENT#code, SK < <kind>#<date>#<id>, desc     | one page per call       |
 * | enterprise history, all kinds             | the above for each of 5 kinds, merged                  | 5 small queries per page|
 * | latest registration of an enterprise      | Query GSI1 ENT#code, begins_with registration#, desc, Limit 1 | 0.5 RCU          |
 * | log a read (append to the enterprise's chain) | Query LOG#code desc, Limit 1, strong; PutItem LOG#code/S<seq+1>, attribute_not_exists(PK) (a lost race returns the winner, so the next try needs no read) | 1 RCU + 1 WCU (+1 WCU per lost race) |
 * | log pushed record events (once), marking them delivered | per enterprise of a delivery batch: Query LOG#code as above; one TransactWrite of Put INBOX#d/D#<id> (the notification's delivered mark, the push's once-marker) + Put S<seq+n> per receipt, all attribute_not_exists (receipts logged before are left out and the rest chained again); a retried delivery also Puts ONCE#<digest>, as pushes were logged before the marks | 1 RCU per enterprise and batch + 2x2 WCU per delivered notification (2x3 on a retry); logged before: 1 RCU + 2 WCU, nothing written |
 * | log pulled record events (once)           | the same for the record notifications of an inbox page, per enterprise | 1 RCU per enterprise on the page + 2x2 WCU per notification shown; pulling it again writes nothing |
 * | read the access log (itself logged)       | log a read as above + Query LOG#code desc (then ENT#code, begins_with ACCESS#: entries from before the chain) | 1 RCU + 1 WCU + one page |
| may a subscription receive (fan-out, delivery) | BatchGetItem CLIENTS/<clientId> of a record's (fan-out) or a delivery batch's subscriptions, once per client per batch | 0.5 RCU per distinct subscribing client per batch |
 * | expire notifications and access-log entries | TTL on `expiresAtEpoch` (written with the item, epoch seconds) | 0 WCU: TTL deletes are free |
 * | erase a personal field (administrator)    | Query REC#id + UpdateItem SET data per version holding it + access-log PutItem | 0.5 RCU + 1 WCU per KB per version (+ the same on GSI2 for a published one) + 1 WCU |
 * | authenticate a client                     | GetItem CLIENTS/<id> (cached in the Lambda for 15 s; an id with no item for 30 s, apart) | 0.5 RCU, none while cached |
 * | reserve a block of a client's window      | UpdateItem RATE#<clientId>/W#<window> (the epoch second) ADD count :n if count <= limit - n or the item is new (what is left when fewer remain); the item expires by TTL two minutes on | 1 WCU per block: a block is a quarter of the client's demand on the instance, at most limit / 8; a refused one 1 WCU, then none in that instance until the second ends |
 * | list clients / exceptions                 | Query CLIENTS / CREDIT_CODE_EXCEPTIONS                 | one page                |
 * | a department's subscriptions (also the cap check on create) | Query SUBS, begins_with <department>#   | one page (at most MAX_SUBSCRIPTIONS_PER_DEPARTMENT items) |
 * | write or delete a subscription            | TransactWrite: Put/Delete SUBS/<department>#<id>, Update SUBS/!STAMP ADD revision | 2x (1 + 1) WCU |
 * | park a change fan-out gave up on          | PutItem FANOUT_PARKED/<itemPk>@<itemSk> (the on-failure consumer, one at a time) | 1 WCU per change; the same key parked again rewrites it |
 * | parked changes (replay)                   | Query FANOUT_PARKED, then GetItem of each item (strong) and DeleteItem if parkedAt is unchanged | one page per 100 changes + 1 RCU per 4 KB item + 1 WCU each, besides fan-out's own cost |
 * | have the subscriptions changed? (fan-out) | GetItem SUBS/!STAMP (strong), at most every FANOUT_SUBSCRIPTION_CHECK_MS (5 s) per fan-out container | 1 RCU |
 * | all subscriptions (fan-out matching)      | Query SUBS, SK > !STAMP (strong), once per fan-out container and change of the stamp | 1 RCU per 4 KB (about 10 subscriptions) |
 * | write a notification (idempotent)         | PutItem INBOX#d/N#..., attribute_not_exists(PK) (fan-out of a MODIFY, replays of parked changes) | 1 WCU + 1 WCU on GSI2   |
 * | write a stream INSERT's notifications (fan-out, a batch's together) | BatchGetItem INBOX#d/N#... (strong) finds those written before; BatchWriteItem of the rest, 25 a request | 1 RCU + 1 WCU + 1 WCU on GSI2 per notification |
 * | one notification (ack, feedback, deliver) | GetItem / UpdateItem INBOX#d/N#... (key from the id); GetItem INBOX#d/D#<id> for a webhook notification not marked delivered in itself | 1 RCU (+1) / 1-2 WCU (+ the same on GSI2 until acknowledged) |
 * | mark a webhook delivery delivered (an event not about a record; a record event's push is marked in its receipt's transaction) | PutItem INBOX#d/D#<id>, attribute_not_exists(PK) (the first success stays) | 1 WCU, no index |
 * | record a failed or retried delivery attempt | UpdateItem INBOX#d/N#... SET delivery, unless marked delivered in itself | 1-2 WCU + the same on GSI2 until acknowledged |
 * | a delivery batch's notifications and subscriptions | BatchGetItem INBOX#d/N#... with INBOX#d/D#<id>, then SUBS/<department>#<id>, strongly consistent | 1 RCU per 4 KB item (+1 per delivered mark), one request each per batch |
 * | a department's inbox, oldest first        | Query INBOX#d, begins_with N#; BatchGetItem INBOX#d/D#<id> of the page's webhook notifications not marked delivered in themselves | one page per call + 0.5 RCU per such notification |
 * | a department's open notifications, soonest due first | Query GSI2 OPEN#d; the delivered marks as above | one page per call + 0.5 RCU per webhook notification |
 * | a department's overdue notifications      | Query GSI2 OPEN#d, GSI2SK < now, filter ackBy < now; the delivered marks as above | 0.5 RCU per 4 KB read, one page per call (items are 1-2 KB) + 0.5 RCU per webhook notification |
 * | overdue notifications across departments  | Query CLIENTS + Query SUBS (the departments), then the above department by department from the cursor's | the two department reads + at most 10 such queries per page |
 * | the overdue job, each run                 | Query JOBS, begins_with notification-overdue# (strong); per department Query GSI2 OPEN#d, GSI2SK BETWEEN place AND now, filter not escalated, and UpdateItem its place | 1 RCU per 4 KB of places + 0.5 RCU per 4 KB of notifications fallen due since the place (30 minutes' worth plus the time since the last run) + 1 WCU per department |
 * | escalate an overdue notification (once)   | UpdateItem INBOX#d/N#... SET escalatedAt, attribute_exists(GSI2PK) AND attribute_not_exists(escalatedAt) | 1-2 WCU + 1-2 WCU on GSI2 (+ the statistics counter) |
 * | keep an enterprise in the pool directory  | UpdateItem ENT#code/DIRECTORY, only if newer (fan-out) | 1 WCU + 1 WCU on GSI3   |
 * | set an enterprise's risk class            | UpdateItem ENT#code/DIRECTORY SET riskClass            | 1 WCU + 1 WCU on GSI3   |
 * | a plan's pool (freeze)                    | Query GSI3 POOL#division, begins_with industry key, per division and prefix | 0.5 RCU per 4 KB (60 B per enterprise) |
 * | create a plan                             | TransactWrite: Put PLAN#id/PLAN and PLANS#d/<createdAt>#id | 2x (1-2) WCU        |
 * | one plan                                  | GetItem PLAN#id/PLAN                                   | 1 RCU per 4 KB (strong) |
 * | a department's plans, newest first        | Query PLANS#d, descending                              | one page per call       |
 * | store a pool, roster or draw document     | PutItem PLAN#id/<part>#n per 100,000 characters        | up to 300 WCU per part  |
 * | read it back                              | Query PLAN#id, begins_with <part>#                     | 0.5 RCU per 4 KB        |
 * | write a draw's tasks                      | BatchWrite PLAN#id/TASK#code, 25 per call              | 1 WCU + 1 WCU on GSI2 per task |
 * | a plan's tasks                            | Query PLAN#id, begins_with TASK#                       | one page per call       |
 * | one task (result posted, close)           | GetItem / UpdateItem PLAN#id/TASK#code (key from the task id) | 1 RCU / 1-2 WCU  |
 * | the previous plan of a catalogue item     | Query ITEMPLANS#item, SK < <drawnAt>, descending, Limit 1 | 0.5 RCU             |
 * | open tasks due on a day (overdue job)     | Query GSI2 DUE#date                                    | one page per call       |
 * | the overdue job's place                   | GetItem / UpdateItem JOBS/<job>                        | 1 RCU / 1 WCU           |
 * | the holiday calendar                      | Query CALENDAR; PutItem CALENDAR/<year>                | one page / 1-2 WCU      |
 * | health: does the table answer             | GetItem HEALTH/HEALTH (no such item), at most every 5 s per api instance | 1 RCU (strong) |
 * | a department's own records, one kind      | Query GSI4 POSTED#d#kind, SK between dates, desc       | 0.5 RCU per 4 KB summaries, one page per call |
 * | public list / export of one kind, a day   | Query GSI2 PUB#kind#date (penalties: filter publicUntil >= today) | 0.5 RCU per 4 KB items read, one page per call |
 * | directory entry of the posting department | GetItem DEPTS/<department> (cached 60 s per process)   | 0.5 RCU                 |
 * | list change: add, remove or expire        | GetItem head (strong) + TransactWrite head, change, membership, member | 1 RCU + 2x4 WCU (+1 WCU byDueMonth), retried on contention |
 * | credit change feed page                   | Query CFEED#list#block, SK > cursor, strong (two at a block end) | 1 RCU per 4 KB page |
 * | list snapshot page                        | GetItem head + Query LISTED#list, strong               | 1 RCU + 1 RCU per 4 KB  |
 * | credit check (memberships, commitments, proposals, risk) | Query ENT#code, begins_with CR# (+ access log PutItem) | 0.5 RCU + 1 WCU |
 * | blacklist check of posted valid licences  | BatchGetItem ENT#code/CR#LIST#blacklist (strong), the licences an instance is posting while one read is under way in the next | 1 RCU per licence; one request for several concurrent posts |
 * | enterprises of a region and risk class    | Query byRiskClass RISK#region#class                    | one page per call       |
 * | keep an enterprise's risk class current   | Query GSI1 ENT#code + PutItem ENT#code/CR#RISK         | profile read + 1 WCU (+1 byRiskClass) |
 * | a proposal: raise (idempotent) / decide   | TransactWrite proposal + directed event / UpdateItem   | 2x2 WCU / 1 WCU         |
 * | commitment: create, advance a step        | TransactWrite commitment (conditional on its step) + directed event | 2x2 WCU (+1 byDueMonth) |
 * | commitment of a licence                   | GetItem ENT#code/CR#CMT#recordId                       | 0.5 RCU                 |
 * | public commitments granted in a month, newest first | Query GSI2 CMT#<month>, descending (the GSI2 keys ride on every commitment write) | 0.5 RCU per 4 KB (about 2 KB a commitment), one page per call; +1 WCU on GSI2 per commitment write |
 * | what is due up to today                   | Query byDueMonth CDUE#month, SK <= today, for the last 13 months | 13 queries, mostly empty |
 * | report an applied measure / list reports  | PutItem CREPORT#month / Query CREPORT#month, desc      | 1 WCU / one page        |
 * | tell named departments (directed event)   | PutItem EVT#id (in the transaction of the change that raises it) | 1 WCU; the stream fans it out |
 * | the whole catalogue (api / fan-out cache) | Query CATALOGUE, begins_with ITEM#                     | ~25 RCU for 50 items, once per process and change |
 * | has the catalogue changed?                | GetItem CATALOGUE/STAMP, at most every 30 s per process | 0.5 RCU                |
 * | one item with its versions                | Query CATALOGUE, begins_with ITEM#<code>#              | 0.5 RCU per 4 KB        |
 * | write a catalogue version (admin, seed)   | TransactWrite: Put version, Put change, Update stamp   | 2x (2 + 1 + 1) WCU      |
 * | the change list, newest first             | Query CATALOGUE_CHANGES, descending                    | one page per call       |
 * | quota stock of an item                    | GetItem STOCK#code/STOCK                               | 0.5 RCU                 |
 * | count an unmatched scope phrase           | UpdateItem SCOPE_UNMATCHED/<phrase> ADD count          | 1 WCU (one partition: at most ~1,000 registrations/s with unmatched phrases) |
 * | list unmatched scope phrases              | Query SCOPE_UNMATCHED                                  | one page per call       |
 * | claim-pool notices, oldest first          | Query GSI2 OPEN#~pool (soonest due is oldest)          | one page per call       |
 * | claim a pool notice (one winner)          | UpdateItem INBOX#~pool/N#..., attribute_not_exists(claimedBy) | 1 WCU + 1 WCU on GSI2 |
 * | licence cover of an enterprise            | GetItem ENT#code/COVER                                 | 0.5-1 RCU               |
 * | keep the cover (and quota stock) current  | TransactWrite: Put COVER (rev check), Update STOCK#code per changed licence | 2x (1 + 1 per index + 1 per stock) WCU |
 * | uncovered for more than N days, a district| Query GSI5 UNCOVERED#region, SK < <cutoff>~            | one page per call       |
 * | uncovered, a 2/4-digit region prefix      | the above, district after district (GB/T 2260)         | one page per call; one query per empty district |
 * | covers to look at again today (job)       | Query GSI6 RECHECK#date#shard, 8 shards                | 8 small queries a day   |
 * | console sign-in / sign-out                | PutItem / DeleteItem SESSION#<tokenHash>/SESSION       | 1 WCU each              |
 * | console page: who is signed in            | GetItem SESSION#<tokenHash>/SESSION (+ the cached client lookup) | 1 RCU (strong)          |
 * | batch comparison, up to 1,000 enterprises | BatchGetItem ENT#code/DIRECTORY, 100 keys per call, unprocessed keys again; BatchWriteItem of the access log, 25 per call | 0.5 RCU + 1 WCU per enterprise |
 * | count new records per kind (directory)    | UpdateItem ENT#code/DIRECTORY ADD count_<kind>, by fan-out, one per enterprise and kind in a stream batch, for the versions it marked counted | 1 WCU (GSI3 projects no count) |
 * | mark a record version counted (fan-out)   | PutItem COUNTED#recordId/V#version, attribute_not_exists(PK), once per version a stream batch brings | 1 WCU |
 * | index a registered name (fan-out)         | PutItem NAME#<first 2 characters>/<normalised>#code, once per name an enterprise has had | 1 WCU |
 * | enterprises by name prefix, a page        | Query NAME#<first 2 characters of the query>, begins_with <normalised query>; BatchGetItem of the page's directory items | 0.5 RCU per 4 KB + 0.5 RCU per hit |
 * | count an event (statistics)               | UpdateItem STATS#d#quarter#shard ADD, after the event's own once-only write; fan-out adds a batch's received notifications per department, and its new and corrected records per department and quarter, in one ADD each | 1 WCU (fan-out: per department and batch) |
 * | a department's statistics for a quarter   | BatchGetItem STATS#d#quarter#0..7                      | 8 x 0.5 RCU             |
 * | console import: start a job               | PutItem IMPORT#id/ROWS#n per chunk (at most 50 rows, 300 KB), then PutItem IMPORT#id/JOB | 1 WCU per KB of rows + 1 WCU |
 * | console import: one step (a page view)    | GetItem JOB (strong) + GetItem ROWS#n + the chunk's ingest + TransactWrite JOB (conditional on its chunk) and REPORT#n | 1 + up to 38 RCU, 2x (1 + report KB) WCU, besides ingest |
 * | console import: the report so far         | Query IMPORT#id, begins_with REPORT#                   | 0.5 RCU per 4 KB of report |
 * | every department's statistics (supervisor) | Query CLIENTS + BatchGetItem, 100 keys per call, unprocessed keys again | 8 x 0.5 RCU per department |
 * | raise a problem item (fan-out, idempotent) | PutItem PDATA#recordId/<version6>#<check>, attribute_not_exists(PK) (a replay returns the stored item) | 1 WCU + 1 WCU on GSI2, only for a record with a finding |
 * | problem items of a record (a later version arrives) | Query PDATA#recordId, strong         | 1 RCU, for a correction or a finding only |
 * | live licences of a party (penalty revoking one) | Query GSI1 ENT#code, begins_with licence#, pages of 100 | 0.5 RCU per 4 KB summaries, only for a penalty naming a revoked licence |
 * | one problem item (read, explain)          | GetItem PDATA#recordId/<version6>#<check> (key from the id) | 1 RCU (strong)  |
 * | close a problem item (correction, explanation) | UpdateItem status = open: SET closure, move GSI2 to PDLIST#d#closed#check | 1 WCU + 2 WCU on GSI2 (delete and put) |
 * | a department's problem items, one status  | Query GSI2 PDLIST#d#status#check, SK < cursor, desc, per check (4; 1 with kind), merged | 4 small queries per page |
 * | an unknown-enterprise item waits for the registration | PutItem ENT#code/PDWAIT#id beside the item (a replay puts it again) | 1 WCU, only for such an item |
 * | a registration arrives: the items waiting for it | Query ENT#code, begins_with PDWAIT# (strong), then UpdateItem (close) and DeleteItem per item | 1 RCU per registration version; 1 + 2 WCU (GSI2) + 1 WCU per item closed |
 *
 * Name index (名称查询). One small item per name an enterprise has had (its name, and each new one
 * after a change of name; former names stay findable), written by fan-out when a registration
 * arrives. Its sort key is the normalised name (NFKC, so full-width letters, digits and brackets
 * fold to their ASCII forms; whitespace removed; lower case) then the credit code, so a prefix
 * search is one `begins_with` Query in name order, a page at a time. The partition is the first
 * two characters of the normalised name: writes spread over as many partitions as there are
 * two-character name beginnings (the largest, a city name such as 嘉兴 or 杭州, takes only the
 * registrations of that city's enterprises that begin with it: far below 1,000 writes a second),
 * and a query needs those two characters. A name item costs 1 WCU once; a page of 20 hits reads
 * about 2 KB of index items plus the 20 directory items for the current name and status.
 *
 * Statistics per department and quarter (部门统计, the plan's quarterly assessment) are counters
 * kept as events happen, never counted by reading records: records provided and corrected
 * (fan-out, quarter of receipt), notifications received (fan-out), acknowledged in time or late
 * and feedback given (the inbox calls), overdue (the overdue job); the last four are counted under
 * the quarter the notification arrived in (China time), so one quarter's notifications and what
 * became of them read together. Each ADD follows a write that succeeds once for its event (a
 * record version's counted mark put only if absent, a notification written only if absent, the
 * acknowledgement that set acknowledgedAt, the feedback appended under its id, the escalation
 * mark) and only when that write was this call's, so a stream redelivery, a batch retried after a
 * partial failure or a retried call never counts twice. Records are counted by fan-out, not by
 * the request that posts them: a record shows in the counts (and in the directory's per-kind
 * counts) once its stream batch is handled, a second or so after the post; fan-out marks each
 * version of the batch counted (`record-counted`, kept for good: a change replayed from the parking
 * queue months later must find it) and then adds the versions it marked with one ADD per
 * department, quarter and measure, and one per enterprise and kind. When marking fails the batch
 * is retried from its first record version, and the retry counts what is not marked yet. The
 * bound: a process that dies between an event's once-only write and its ADD, or whose ADD fails
 * after it, loses that count (the retry finds the write done; fan-out adds a stream batch's
 * received notifications and marked records together, so a crash there loses at most that
 * batch's); counts can be low by what such crashes and failed ADDs lose, never high. A department's
 * counter is cut into 8 shards (by a digest of the event), so it takes up to about 8,000 counted
 * events per second; a read adds up the 8.
 */
import { createHash, createHmac } from 'node:crypto';
import type { RecordKind } from '../../schemas/records';
import { notificationTime } from '../core/ids';
import type { StoredVersion } from '../core/model';

/** Attribute names of the table's keys and of the fields the table itself reads (filters, conditions). */
export const ATTR = {
  pk: 'PK',
  sk: 'SK',
  gsi1pk: 'GSI1PK',
  gsi1sk: 'GSI1SK',
  gsi2pk: 'GSI2PK',
  gsi2sk: 'GSI2SK',
  gsi3pk: 'GSI3PK',
  gsi3sk: 'GSI3SK',
  gsi4pk: 'GSI4PK',
  gsi4sk: 'GSI4SK',
  duepk: 'DUEPK',
  duesk: 'DUESK',
  riskpk: 'RISKPK',
  risksk: 'RISKSK',
  gsi5pk: 'GSI5PK',
  gsi5sk: 'GSI5SK',
  gsi6pk: 'GSI6PK',
  gsi6sk: 'GSI6SK',
  type: 'type',
  /** Epoch seconds after which DynamoDB's TTL deletes the item (console sessions, notifications, access-log entries). */
  expiresAtEpoch: 'expiresAtEpoch',
} as const;

/** How long notifications and access-log entries are kept, in days from their own time; 0 keeps them for good. */
export interface Retention {
  notificationDays: number;
  accessLogDays: number;
}
/** The defaults: an access log for three years (well past the six months 网络安全法 art. 21 asks of logs), a notification for one. */
export const DEFAULT_RETENTION: Retention = { notificationDays: 365, accessLogDays: 1095 };
/** The TTL attribute of an item whose own time is `from` (ISO), kept `days` days; none when it is kept for good. */
export const expiryOf = (from: string, days: number): Record<string, number> => (days > 0 ? { [ATTR.expiresAtEpoch]: Math.floor(Date.parse(from) / 1000) + days * 86_400 } : {});

/** The entity name every item carries in `type`. */
export const ITEM_TYPES = {
  recordVersion: 'record-version',
  accessLog: 'access-log',
  accessLogOnce: 'access-log-once',
  client: 'client',
  creditCodeException: 'credit-code-exception',
  subscription: 'subscription',
  subscriptionStamp: 'subscription-stamp',
  fanoutParked: 'fanout-parked',
  rateWindow: 'rate-window',
  notification: 'notification',
  notificationDelivered: 'notification-delivered',
  enterpriseDirectory: 'enterprise-directory',
  inspectionPlan: 'inspection-plan',
  planListing: 'plan-listing',
  planChunk: 'plan-chunk',
  inspectionTask: 'inspection-task',
  itemPlan: 'item-plan',
  calendarYear: 'calendar-year',
  jobCursor: 'job-cursor',
  departmentEntry: 'department-entry',
  creditFeedHead: 'credit-feed-head',
  creditChange: 'credit-change',
  creditListed: 'credit-listed',
  creditMembership: 'credit-membership',
  creditProposal: 'credit-proposal',
  commitment: 'commitment',
  risk: 'risk',
  creditReport: 'credit-report',
  directedEvent: 'directed-event',
  catalogueVersion: 'catalogue-version',
  catalogueStamp: 'catalogue-stamp',
  catalogueChange: 'catalogue-change',
  quotaStock: 'quota-stock',
  unmatchedPhrase: 'unmatched-phrase',
  licenceCover: 'licence-cover',
  consoleSession: 'console-session',
  statisticsCounter: 'statistics-counter',
  recordCounted: 'record-counted',
  nameIndex: 'name-index',
  importJob: 'import-job',
  importRows: 'import-rows',
  importReport: 'import-report',
  problemData: 'problem-data',
  problemWaiting: 'problem-waiting',
} as const;
export type ItemType = (typeof ITEM_TYPES)[keyof typeof ITEM_TYPES];

/** What the enterprise index projects: the summary and what a profile shows next to it; never the record body. */
export const SUMMARY_ATTRIBUTES = ['id', 'version', 'kind', 'creditCode', 'date', 'summary', 'department', 'receivedAt'] as const;
/** A live record as the enterprise index holds it. */
export type RecordSummary = Pick<StoredVersion, (typeof SUMMARY_ATTRIBUTES)[number]>;

export const INDEXES = {
  /** An enterprise's live records, by kind, date and id. */
  enterprise: { name: 'GSI1', partitionKey: ATTR.gsi1pk, sortKey: ATTR.gsi1sk, projection: SUMMARY_ATTRIBUTES },
  /** What awaits action: a department's notifications not yet acknowledged, oldest first, and open tasks by due date; both small, so it projects everything. */
  open: { name: 'GSI2', partitionKey: ATTR.gsi2pk, sortKey: ATTR.gsi2sk, projection: 'ALL' },
  /** The pool directory: registered enterprises by division, industry and credit code. */
  pool: { name: 'GSI3', partitionKey: ATTR.gsi3pk, sortKey: ATTR.gsi3sk, projection: ['creditCode', 'riskClass'] },
  /** A department's own live records, by kind, then date and id. */
  posted: { name: 'GSI4', partitionKey: ATTR.gsi4pk, sortKey: ATTR.gsi4sk, projection: SUMMARY_ATTRIBUTES },
  /** Publishable live records (一公开), by kind and publication date: PUB# partitions of GSI2. */
  published: { name: 'GSI2', partitionKey: ATTR.gsi2pk, sortKey: ATTR.gsi2sk, projection: 'ALL' },
  /** Items with a pending deadline, by the month it falls in. */
  due: { name: 'byDueMonth', partitionKey: ATTR.duepk, sortKey: ATTR.duesk, projection: 'ALL' },
  /** Enterprises of a region by risk class, for sampling. */
  risk: { name: 'byRiskClass', partitionKey: ATTR.riskpk, sortKey: ATTR.risksk, projection: ['creditCode', 'regionCode', 'riskClass', 'computedAt'] },
  /** Enterprises with a needed permit uncovered, per district, uncovered longest first. */
  uncovered: { name: 'GSI5', partitionKey: ATTR.gsi5pk, sortKey: ATTR.gsi5sk, projection: ['creditCode', 'region', 'uncoveredSince', 'uncovered'] },
  /** Licence covers that change by date alone (a licence expires or starts), by that date. */
  recheck: { name: 'GSI6', partitionKey: ATTR.gsi6pk, sortKey: ATTR.gsi6sk, projection: 'KEYS_ONLY' },
} as const;

/** The table as data, for the CDK stack and the local runner. */
export const TABLE = {
  partitionKey: ATTR.pk,
  sortKey: ATTR.sk,
  indexes: [INDEXES.enterprise, INDEXES.open, INDEXES.pool, INDEXES.posted, INDEXES.due, INDEXES.risk, INDEXES.uncovered, INDEXES.recheck],
  stream: 'NEW_AND_OLD_IMAGES',
  timeToLiveAttribute: ATTR.expiresAtEpoch,
} as const;

/** The bookkeeping attributes on top of the domain object; `strip` removes exactly these. */
export const BOOKKEEPING = Object.values(ATTR);

export const recordPartition = (recordId: string) => `REC#${recordId}`;
export const recordKey = (recordId: string, version: number) => ({ PK: recordPartition(recordId), SK: `V#${String(version).padStart(6, '0')}` });

export const enterprisePartition = (creditCode: string) => `ENT#${creditCode}`;
/** Position of a live record in its enterprise's history: by kind, then date, then id. */
export const historySortKey = (kind: RecordKind, date: string, recordId: string) => `${kind}#${date}#${recordId}`;
export const historyKindPrefix = (kind: RecordKind) => `${kind}#`;
export const enterpriseIndexKey = (creditCode: string, kind: RecordKind, date: string, recordId: string) => ({
  [ATTR.gsi1pk]: enterprisePartition(creditCode),
  [ATTR.gsi1sk]: historySortKey(kind, date, recordId),
});

/** Position of a live record among what its department posted of its kind. */
export const postedPartition = (department: string, kind: RecordKind) => `POSTED#${department}#${kind}`;
export const postedSortKey = (date: string, recordId: string) => `${date}#${recordId}`;
export const postedIndexKey = (department: string, kind: RecordKind, date: string, recordId: string) => ({
  [ATTR.gsi4pk]: postedPartition(department, kind),
  [ATTR.gsi4sk]: postedSortKey(date, recordId),
});

/** Kinds that are published (一公开); an inspection only when its result is public. */
export const PUBLISHED_KINDS = ['licence', 'penalty', 'inspection'] as const satisfies readonly RecordKind[];
export type PublishedKind = (typeof PUBLISHED_KINDS)[number];
export const publishedPartition = (kind: PublishedKind, date: string) => `PUB#${kind}#${date}`;
export const publishedIndexKey = (kind: PublishedKind, date: string, recordId: string) => ({ [ATTR.gsi2pk]: publishedPartition(kind, date), [ATTR.gsi2sk]: recordId });

export const REGISTRATION_PARTY_PREFIX = 'REG:';
export const PERSON_PARTY_PREFIX = 'NP:';
/** The party key of an individual business known only by its 工商注册号. */
export const registrationPartyKey = (registrationNumber: string) => `${REGISTRATION_PARTY_PREFIX}${registrationNumber}`;
/** The party key of a natural person: a keyed hash of the document, never the number itself. */
export function personPartyKey(doc: { type: string; number: string }, secret: string): string {
  const number = doc.number.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  return `${PERSON_PARTY_PREFIX}${createHmac('sha256', secret).update(`${doc.type}:${number}`).digest('hex').slice(0, 32)}`;
}
export const PARTY_KEY_PATTERN = /^(REG:[0-9]{13}([0-9]{2})?|NP:[0-9a-f]{32})$/;
/** Whether a derived party key stands for a person or a business run by one (its name is then personal data). */
export const isDerivedPartyKey = (key: string) => key.startsWith(REGISTRATION_PARTY_PREFIX) || key.startsWith(PERSON_PARTY_PREFIX);

export const DEPARTMENTS_PARTITION = 'DEPTS';
export const departmentEntryKey = (department: string) => ({ PK: DEPARTMENTS_PARTITION, SK: department });

/**
 * The access log has a partition of its own per enterprise, apart from ENT#, so IAM can let the
 * functions put log items without letting them update or delete one (see WRITE_PROTECTED).
 */
export const accessLogPartition = (creditCode: string) => `LOG#${creditCode}`;
export const ACCESS_CHAIN_PREFIX = 'S';
/** An entry's place is its position in the enterprise's chain (see core/access-log.ts). */
export const accessLogKey = (creditCode: string, seq: number) => ({ PK: accessLogPartition(creditCode), SK: `${ACCESS_CHAIN_PREFIX}${String(seq).padStart(12, '0')}` });
/** The marker of one event logged once (a notification pushed or pulled by one client): a digest of what it is. */
export const accessLogOnceKey = (creditCode: string, key: string) => ({ PK: accessLogPartition(creditCode), SK: `ONCE#${createHash('sha256').update(key).digest('base64url').slice(0, 22)}` });
/** Entries logged before the chain, under the enterprise partition; read, never written. */
export const LEGACY_ACCESS_LOG_PREFIX = 'ACCESS#';

/** A key no item has: /health reads it to learn whether the table answers. */
export const HEALTH_KEY = { PK: 'HEALTH', SK: 'HEALTH' };

export const CLIENTS_PARTITION = 'CLIENTS';
export const clientKey = (clientId: string) => ({ PK: CLIENTS_PARTITION, SK: clientId });
/**
 * A client's one-second rate window (rate limits), one item per client and epoch second, gone by
 * TTL soon after: a partition per client, so one client's flood never shares a partition with
 * another's count; a partition takes 1,000 writes a second, far above any client's limit.
 */
export const rateWindowKey = (clientId: string, window: number) => ({ PK: `RATE#${clientId}`, SK: `W#${window}` });

export const EXCEPTIONS_PARTITION = 'CREDIT_CODE_EXCEPTIONS';
export const exceptionKey = (creditCode: string) => ({ PK: EXCEPTIONS_PARTITION, SK: creditCode });

/**
 * Partitions the functions may not change, as IAM `dynamodb:LeadingKeys` patterns built by the key
 * builders: API clients and the credit code exception list are written only by the administrators'
 * commands (with their own credentials), and the access log is append-only (puts, never an update
 * or delete; its hash chain shows a put over an existing entry). The stack denies these to every
 * function's role.
 */
export const WRITE_PROTECTED = {
  noWrites: [clientKey('').PK, exceptionKey('').PK],
  appendOnly: [accessLogPartition('*')],
} as const;

export const SUBSCRIPTIONS_PARTITION = 'SUBS';
export const subscriptionPrefix = (department: string) => `${department}#`;
export const subscriptionKey = (department: string, id: string) => ({ PK: SUBSCRIPTIONS_PARTITION, SK: `${subscriptionPrefix(department)}${id}` });
/**
 * The revision of the subscription set, moved in the same transaction as every subscription write.
 * It sorts before every subscription (`!` is below the letters a department name starts with), so
 * the listing of all subscriptions reads `SK > !STAMP`.
 */
export const SUBSCRIPTIONS_STAMP_KEY = { PK: SUBSCRIPTIONS_PARTITION, SK: '!STAMP' } as const;

/**
 * Changes fan-out gave up on, by the key of the item that changed: one partition, written only by
 * the on-failure consumer (reserved concurrency 1, so far below a partition's 1,000 writes/s) and
 * read by the operator's replay; the same key parked twice is one item.
 */
export const PARKED_PARTITION = 'FANOUT_PARKED';
export const parkedChangeKey = (itemPk: string, itemSk: string) => ({ PK: PARKED_PARTITION, SK: `${itemPk}@${itemSk}` });

export const inboxPartition = (department: string) => `INBOX#${department}`;
export const INBOX_PREFIX = 'N#';
/** A notification's key follows from its id (which carries the event time) and the department, without an index. */
export const notificationKey = (department: string, id: string) => ({ PK: inboxPartition(department), SK: `${INBOX_PREFIX}${notificationTime(id)}#${id}` });
/**
 * Where delivery records a notification's webhook delivery succeeding: a small item beside the
 * notification, outside every index, so that marking a delivery rewrites neither the notification
 * (its event, about 1 KB) nor its copy in the open-notification index.
 */
export const notificationDeliveredKey = (department: string, id: string) => ({ PK: inboxPartition(department), SK: `D#${id}` });
/** The delivered mark as stored: kept at least as long as its notification, which is no younger than its delivery. */
export const notificationDeliveredItem = (department: string, id: string, delivery: { deliveredAt?: string }, retentionDays: number) => ({
  ...notificationDeliveredKey(department, id),
  [ATTR.type]: ITEM_TYPES.notificationDelivered,
  ...expiryOf(delivery.deliveredAt ?? notificationTime(id), retentionDays),
  delivery,
});
export const openPartition = (department: string) => `OPEN#${department}`;
/** Soonest due first: a notification's place in its department's open index (older items: `<eventTime>#<id>`, see the header). */
export const openSortKey = (ackBy: string, id: string) => `${ackBy}#${id}`;
export const openIndexKey = (department: string, ackBy: string, id: string) => ({
  [ATTR.gsi2pk]: openPartition(department),
  [ATTR.gsi2sk]: openSortKey(ackBy, id),
});

export const DIRECTORY_SORT_KEY = 'DIRECTORY';
export const directoryKey = (creditCode: string) => ({ PK: enterprisePartition(creditCode), SK: DIRECTORY_SORT_KEY });
export const poolPartition = (regionCode: string) => `POOL#${regionCode}`;
/** Where an enterprise sorts within its division: `<section letter><industry code>#<credit code>`, e.g. `H6210#9133...`. */
export const poolSortKey = (industryKey: string, creditCode: string) => `${industryKey}#${creditCode}`;
export const poolIndexKey = (regionCode: string, industryKey: string, creditCode: string) => ({
  [ATTR.gsi3pk]: poolPartition(regionCode),
  [ATTR.gsi3sk]: poolSortKey(industryKey, creditCode),
});

export const planPartition = (planId: string) => `PLAN#${planId}`;
export const planKey = (planId: string) => ({ PK: planPartition(planId), SK: 'PLAN' });
export const planListPartition = (department: string) => `PLANS#${department}`;
export const planListKey = (department: string, createdAt: string, planId: string) => ({ PK: planListPartition(department), SK: `${createdAt}#${planId}` });
/** The large parts of a plan, each stored as canonical JSON text in chunks. */
export type PlanPart = 'POOL' | 'ROSTER' | 'DRAW';
export const planChunkPrefix = (part: PlanPart) => `${part}#`;
export const planChunkKey = (planId: string, part: PlanPart, chunk: number) => ({ PK: planPartition(planId), SK: `${planChunkPrefix(part)}${String(chunk).padStart(4, '0')}` });
export const TASK_PREFIX = 'TASK#';
export const taskKey = (planId: string, creditCode: string) => ({ PK: planPartition(planId), SK: `${TASK_PREFIX}${creditCode}` });
export const duePartition = (dueDate: string) => `DUE#${dueDate}`;
export const dueIndexKey = (dueDate: string, planId: string, creditCode: string) => ({
  [ATTR.gsi2pk]: duePartition(dueDate),
  [ATTR.gsi2sk]: `${planId}#${creditCode}`,
});
export const itemPlansPartition = (itemCode: string) => `ITEMPLANS#${itemCode}`;
export const itemPlanKey = (itemCode: string, drawnAt: string, planId: string) => ({ PK: itemPlansPartition(itemCode), SK: `${drawnAt}#${planId}` });
export const CALENDAR_PARTITION = 'CALENDAR';
export const calendarYearKey = (year: string) => ({ PK: CALENDAR_PARTITION, SK: year });
export const JOBS_PARTITION = 'JOBS';
export const jobCursorKey = (job: string) => ({ PK: JOBS_PARTITION, SK: job });
/** The overdue job's place in one department's open index: `JOBS/notification-overdue#<department>`. */
export const OVERDUE_JOB_PREFIX = 'notification-overdue#';
export const overdueJobKey = (department: string) => jobCursorKey(`${OVERDUE_JOB_PREFIX}${department}`);

// Credit (信用): the change feed of each list, its members, and the enterprise's credit items.
export const FEED_BLOCK = 10_000;
const seq12 = (seq: number) => String(seq).padStart(12, '0');
export const feedHeadKey = (list: string) => ({ PK: `CFEED#${list}`, SK: 'HEAD' });
export const feedBlock = (seq: number) => String(Math.floor((seq - 1) / FEED_BLOCK)).padStart(6, '0');
export const feedPartition = (list: string, seq: number) => `CFEED#${list}#${feedBlock(seq)}`;
export const feedSortKey = seq12;
export const feedChangeKey = (list: string, seq: number) => ({ PK: feedPartition(list, seq), SK: seq12(seq) });
export const listedPartition = (list: string) => `LISTED#${list}`;
export const listedKey = (list: string, creditCode: string) => ({ PK: listedPartition(list), SK: creditCode });
export const CREDIT_PREFIX = 'CR#';
export const membershipKey = (creditCode: string, list: string) => ({ PK: enterprisePartition(creditCode), SK: `${CREDIT_PREFIX}LIST#${list}` });
export const proposalKey = (creditCode: string, proposalId: string) => ({ PK: enterprisePartition(creditCode), SK: `${CREDIT_PREFIX}PROP#${proposalId}` });
export const commitmentKey = (creditCode: string, recordId: string) => ({ PK: enterprisePartition(creditCode), SK: `${CREDIT_PREFIX}CMT#${recordId}` });
/**
 * Commitments are public (告知承诺公示): each sits in a GSI2 partition of the month its licence was
 * granted, by date, so the public list reads a month newest first, a page at a time. A province
 * grants some thousands of licences on a commitment a month, far below what a partition takes.
 */
export const commitmentsPartition = (month: string) => `CMT#${month}`;
export const commitmentListKey = (grantedOn: string, recordId: string) => ({ [ATTR.gsi2pk]: commitmentsPartition(grantedOn.slice(0, 7)), [ATTR.gsi2sk]: `${grantedOn}#${recordId}` });
export const riskKey = (creditCode: string) => ({ PK: enterprisePartition(creditCode), SK: `${CREDIT_PREFIX}RISK` });
export const riskPartition = (region: string, riskClass: string) => `RISK#${region}#${riskClass}`;
export const riskIndexKey = (region: string, riskClass: string, creditCode: string) => ({ [ATTR.riskpk]: riskPartition(region, riskClass), [ATTR.risksk]: creditCode });
export const creditDuePartition = (month: string) => `CDUE#${month}`;
/** Where an item waits in the due index until its step is handled on or after `actOn` (YYYY-MM-DD). */
export const creditDueKey = (actOn: string, creditCode: string, what: string) => ({ [ATTR.duepk]: creditDuePartition(actOn.slice(0, 7)), [ATTR.duesk]: `${actOn}#${creditCode}#${what}` });
export const reportPartition = (month: string) => `CREPORT#${month}`;
export const reportKey = (at: string, reportId: string) => ({ PK: reportPartition(at.slice(0, 7)), SK: `${at}#${reportId}` });
export const directedEventKey = (eventId: string) => ({ PK: `EVT#${eventId}`, SK: 'E' });

export const CATALOGUE_PARTITION = 'CATALOGUE';
export const CATALOGUE_ITEM_PREFIX = 'ITEM#';
export const catalogueItemPrefix = (code: string) => `${CATALOGUE_ITEM_PREFIX}${code}#`;
export const catalogueVersionKey = (code: string, effectiveFrom: string) => ({ PK: CATALOGUE_PARTITION, SK: `${catalogueItemPrefix(code)}${effectiveFrom}` });
export const CATALOGUE_STAMP_KEY = { PK: CATALOGUE_PARTITION, SK: 'STAMP' } as const;
/** Catalogue writes are an administrator's (a few a day): one partition keeps the change list in one order. */
export const CATALOGUE_CHANGES_PARTITION = 'CATALOGUE_CHANGES';
export const catalogueChangeKey = (at: string, code: string, effectiveFrom: string) => ({ PK: CATALOGUE_CHANGES_PARTITION, SK: `${at}#${code}#${effectiveFrom}` });
export const quotaStockKey = (code: string) => ({ PK: `STOCK#${code}`, SK: 'STOCK' });

export const UNMATCHED_PARTITION = 'SCOPE_UNMATCHED';
export const unmatchedPhraseKey = (phrase: string) => ({ PK: UNMATCHED_PARTITION, SK: phrase });

export const coverKey = (creditCode: string) => ({ PK: enterprisePartition(creditCode), SK: 'COVER' });
export const uncoveredPartition = (region: string) => `UNCOVERED#${region}`;
export const uncoveredIndexKey = (region: string, since: string, creditCode: string) => ({ [ATTR.gsi5pk]: uncoveredPartition(region), [ATTR.gsi5sk]: `${since}#${creditCode}` });
/** The recheck index spreads one day's covers over this many partitions. */
export const RECHECK_SHARDS = 8;
export const recheckShard = (creditCode: string) => [...creditCode].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % RECHECK_SHARDS;
export const recheckPartition = (date: string, shard: number) => `RECHECK#${date}#${shard}`;
export const recheckIndexKey = (date: string, creditCode: string) => ({ [ATTR.gsi6pk]: recheckPartition(date, recheckShard(creditCode)), [ATTR.gsi6sk]: creditCode });

/**
 * A console session (控制台会话) is its own partition, keyed by the SHA-256 of the cookie's token,
 * so the token itself is never stored and no two sign-ins share a partition. TTL removes expired
 * sessions; readers check the expiry themselves, since TTL deletes up to days late.
 */
export const sessionKey = (tokenHash: string) => ({ PK: `SESSION#${tokenHash}`, SK: 'SESSION' });
/** Name index partitions: the first two characters of the normalised name. */
export const namePartition = (normalisedPrefix: string) => `NAME#${[...normalisedPrefix].slice(0, 2).join('')}`;
export const nameSortKey = (normalised: string, creditCode: string) => `${normalised}#${creditCode}`;
export const nameKey = (normalised: string, creditCode: string) => ({ PK: namePartition(normalised), SK: nameSortKey(normalised, creditCode) });

/** A department's counters are cut into this many items, so concurrent counts rarely meet on one. */
export const STATISTICS_SHARDS = 8;
export const statisticsShard = (what: string) => createHash('sha256').update(what).digest()[0] % STATISTICS_SHARDS;
export const statisticsKey = (department: string, quarter: string, shard: number) => ({ PK: `STATS#${department}#${quarter}#${shard}`, SK: 'COUNTS' });
/** Marks a record version as counted in the statistics and the directory, so a redelivered stream batch counts it no more. */
export const recordCountedKey = (recordId: string, version: number) => ({ PK: `COUNTED#${recordId}`, SK: `V#${String(version).padStart(6, '0')}` });

/**
 * A console file import (批量导入) is a partition of its own: the job, its rows in chunks and the
 * report of each chunk done; removed by TTL a week after the upload.
 */
export const importPartition = (jobId: string) => `IMPORT#${jobId}`;
export const importJobKey = (jobId: string) => ({ PK: importPartition(jobId), SK: 'JOB' });
export const IMPORT_REPORT_PREFIX = 'REPORT#';
export const importRowsKey = (jobId: string, chunk: number) => ({ PK: importPartition(jobId), SK: `ROWS#${String(chunk).padStart(4, '0')}` });
export const importReportKey = (jobId: string, chunk: number) => ({ PK: importPartition(jobId), SK: `${IMPORT_REPORT_PREFIX}${String(chunk).padStart(4, '0')}` });

/**
 * Problem items (问题数据) live in a partition per record, so the items of a record's versions are
 * one query when a correction arrives, and GSI2 lists a department's items by status and check,
 * newest first: one partition per department, status and check (a department's own write rate).
 */
export const problemPartition = (recordId: string) => `PDATA#${recordId}`;
export const problemKey = (recordId: string, version: number, check: string) => ({ PK: problemPartition(recordId), SK: `${String(version).padStart(6, '0')}#${check}` });
export const problemListPartition = (department: string, status: string, check: string) => `PDLIST#${department}#${status}#${check}`;
/** `at` is when the item was raised while open, when it was closed once closed. */
export const problemListSortKey = (at: string, id: string) => `${at}#${id}`;
/** The mark of an unknown-enterprise item in the enterprise partition, found when the registration arrives. */
export const PROBLEM_WAITING_PREFIX = 'PDWAIT#';
export const problemWaitingKey = (creditCode: string, id: string) => ({ PK: enterprisePartition(creditCode), SK: `${PROBLEM_WAITING_PREFIX}${id}` });
export const problemListIndexKey = (department: string, status: string, check: string, at: string, id: string) => ({
  [ATTR.gsi2pk]: problemListPartition(department, status, check),
  [ATTR.gsi2sk]: problemListSortKey(at, id),
});

/** Notification attributes whose appearance wakes fan-out (feedback to pass on, an escalation to send, a claim to hand over). */
export const NOTIFICATION_WAKERS = ['lastFeedbackAt', 'escalatedAt', 'claimedAt'] as const;

/** Task attributes whose appearance wakes fan-out (an escalation to send). */
export const TASK_WAKERS = ['escalatedAt'] as const;

/**
 * Which stream records wake fan-out, as Lambda event filter patterns: inserts of record versions,
 * credit list changes, directed events, catalogue changes and inspection tasks (one pattern: Lambda takes at most five per event source
 * mapping without a quota increase), notifications that carry feedback, an escalation mark or a
 * claim (delivery-status updates never do), and tasks marked overdue.
 * The stack and the local stream poller apply the same patterns.
 */
export const FANOUT_STREAM_FILTERS = [
  {
    eventName: ['INSERT'],
    dynamodb: { NewImage: { [ATTR.type]: { S: [ITEM_TYPES.recordVersion, ITEM_TYPES.creditChange, ITEM_TYPES.directedEvent, ITEM_TYPES.catalogueChange, ITEM_TYPES.inspectionTask] } } },
  },
  ...NOTIFICATION_WAKERS.map((attribute) => ({
    eventName: ['MODIFY'],
    dynamodb: { NewImage: { [ATTR.type]: { S: [ITEM_TYPES.notification] }, [attribute]: { S: [{ exists: true }] } } },
  })),
  ...TASK_WAKERS.map((attribute) => ({
    eventName: ['MODIFY'],
    dynamodb: { NewImage: { [ATTR.type]: { S: [ITEM_TYPES.inspectionTask] }, [attribute]: { S: [{ exists: true }] } } },
  })),
];
