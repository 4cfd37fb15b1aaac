import type { Database } from 'better-sqlite3';

/**
 * The kine-style revision log.
 *
 * `kine` is append-only: every write adds one row and its AUTOINCREMENT id is the revision
 * (AUTOINCREMENT, not plain rowid, so ids are never reused after compaction removes the
 * newest rows). A key's value at revision R is its row with the highest id <= R; a row with
 * `deleted = 1` marks a deletion and repeats the last value so delete events can carry it.
 * `prev_revision` is the id of the key's previous row (0 for the first), and the unique
 * (name, prev_revision) index turns two writers building on the same row into a conflict.
 *
 * `kine_current` is a helper index (not in kine) naming the current row of every live key.
 * It is kept in the same transaction as each write, and lets LIST and COUNT at the latest
 * revision walk only live keys instead of grouping the whole history (about 2x faster on
 * 10k keys with a few revisions each, and independent of how much history is kept).
 *
 * `kine_meta` holds the compaction point: `compact_revision` is the revision reads and
 * watches may start from; `compact_done` is how far row deletion has actually finished, so
 * a compaction interrupted by a crash is redone by the next one.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS kine (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision ON kine (name, prev_revision);
CREATE INDEX IF NOT EXISTS kine_name_id ON kine (name, id);
CREATE TABLE IF NOT EXISTS kine_current (
  name TEXT PRIMARY KEY,
  id INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kine_meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

/**
 * Applies the connection settings and creates the tables.
 *
 * WAL with synchronous=NORMAL makes a commit a write() into the WAL without fsync: a commit
 * that returned survives kill -9 of this process (the OS holds the data), though not a power
 * cut. busy_timeout covers short locks from a checkpoint or an outside reader.
 */
export function prepareDatabase(db: Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  db.exec(DDL);
  rebuildCurrentIfMissing(db);
}

/** Fills kine_current from the log when it is empty but the log is not (older files). */
function rebuildCurrentIfMissing(db: Database): void {
  const hasCurrent = db.prepare('SELECT 1 FROM kine_current LIMIT 1').get();
  const hasRows = db.prepare('SELECT 1 FROM kine LIMIT 1').get();
  if (hasCurrent || !hasRows) return;
  db.exec(`
    INSERT INTO kine_current (name, id)
    SELECT k.name, k.id FROM kine k
    JOIN (SELECT MAX(id) AS id FROM kine GROUP BY name) m ON m.id = k.id
    WHERE k.deleted = 0`);
}

export function readMeta(db: Database, key: string): number {
  const row = db.prepare('SELECT value FROM kine_meta WHERE key = ?').get(key) as { value: number } | undefined;
  return row?.value ?? 0;
}

export function writeMeta(db: Database, key: string, value: number): void {
  db.prepare('INSERT INTO kine_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    key,
    value,
  );
}

/** The highest revision ever assigned, including rows compaction has since removed. */
export function readLastRevision(db: Database): number {
  const row = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'kine'").get() as { seq: number } | undefined;
  return row?.seq ?? 0;
}
