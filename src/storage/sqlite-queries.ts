import type { Database, Statement } from 'better-sqlite3';
import type { KeyValue, WatchEvent } from './store.js';

/** A row of the kine table as the read queries return it. */
export interface LogRow {
  id: number;
  name: string;
  create_revision: number;
  value: string;
}

/** The latest row of one key, live or a deletion marker. */
export interface LatestRow {
  id: number;
  deleted: number;
  create_revision: number;
  value: string;
}

/** A history row joined with the row it replaced, for watch replay. */
export interface HistoryRow {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string;
  p_id: number | null;
  p_deleted: number | null;
  p_create_revision: number | null;
  p_value: string | null;
}

export function toKeyValue(row: LogRow): KeyValue {
  return { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.id };
}

/** Turns a history row into the event a live watcher would have seen for it. */
export function historyEvent(row: HistoryRow): WatchEvent {
  if (row.deleted) {
    const kv = { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.prev_revision };
    return { type: 'delete', kv, revision: row.id };
  }
  const kv = { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.id };
  if (row.created || row.p_id === null || row.p_deleted) return { type: 'put', kv };
  const prev = { key: row.name, value: row.p_value!, createRevision: row.p_create_revision!, modRevision: row.p_id };
  return { type: 'put', kv, prev };
}

/** Which key range a read covers; the variants become differently shaped SQL. */
export interface RangeShape {
  /** `>=` at the prefix, or `>` after a paging key. */
  inclusive: boolean;
  /** false when the prefix has no upper bound (e.g. the empty prefix). */
  bounded: boolean;
}

function rangeSql(column: string, shape: RangeShape): string {
  return `${column} ${shape.inclusive ? '>=' : '>'} @lo${shape.bounded ? ` AND ${column} < @hi` : ''}`;
}

/**
 * Prepared statements, built once per connection. Range reads come in four shapes
 * (inclusive/exclusive lower bound, with/without upper bound) so each one can seek its index
 * with both bounds instead of filtering rows.
 */
export class SqliteQueries {
  readonly latest: Statement<[string], LatestRow>;
  readonly insert: Statement<[string, number, number, number, number, string]>;
  /** A create row's create_revision is its own id, which AUTOINCREMENT is about to assign. */
  readonly insertCreated: Statement<[string, number, string]>;
  readonly setCurrent: Statement<[string, number]>;
  readonly clearCurrent: Statement<[string]>;
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly db: Database) {
    this.latest = db.prepare('SELECT id, deleted, create_revision, value FROM kine WHERE name = ? ORDER BY id DESC LIMIT 1');
    this.insert = db.prepare(
      'INSERT INTO kine (name, created, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertCreated = db.prepare(`
      INSERT INTO kine (name, created, deleted, create_revision, prev_revision, value)
      VALUES (?, 1, 0, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'kine'), 0) + 1, ?, ?)`);
    this.setCurrent = db.prepare(
      'INSERT INTO kine_current (name, id) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET id = excluded.id',
    );
    this.clearCurrent = db.prepare('DELETE FROM kine_current WHERE name = ?');
  }

  /** Live keys in a range at the latest revision, in key order. `@limit` -1 means all. */
  listLatest(shape: RangeShape): Statement<[Record<string, unknown>], LogRow> {
    return this.prepared(`listLatest/${shape.inclusive}/${shape.bounded}`, () => `
      SELECT k.id, k.name, k.create_revision, k.value
      FROM kine_current c JOIN kine k ON k.id = c.id
      WHERE ${rangeSql('c.name', shape)}
      ORDER BY c.name LIMIT @limit`);
  }

  /** Live keys in a range as of revision `@rev`: each key's newest row at or below it. */
  listAt(shape: RangeShape): Statement<[Record<string, unknown>], LogRow> {
    return this.prepared(`listAt/${shape.inclusive}/${shape.bounded}`, () => `
      SELECT k.id, k.name, k.create_revision, k.value
      FROM (SELECT MAX(id) AS id FROM kine WHERE ${rangeSql('name', shape)} AND id <= @rev GROUP BY name) m
      JOIN kine k ON k.id = m.id
      WHERE k.deleted = 0
      ORDER BY k.name LIMIT @limit`);
  }

  /** Number of live keys in a range at the latest revision. */
  countLatest(shape: RangeShape): Statement<[Record<string, unknown>], number> {
    return this.prepared(`countLatest/${shape.inclusive}/${shape.bounded}`, () =>
      `SELECT COUNT(*) FROM kine_current WHERE ${rangeSql('name', shape)}`,
    ).pluck() as Statement<[Record<string, unknown>], number>;
  }

  /** Every change in a range with `@after < id <= @upto`, in revision order. */
  history(shape: RangeShape): Statement<[Record<string, unknown>], HistoryRow> {
    return this.prepared(`history/${shape.inclusive}/${shape.bounded}`, () => `
      SELECT k.id, k.name, k.created, k.deleted, k.create_revision, k.prev_revision, k.value,
             p.id AS p_id, p.deleted AS p_deleted, p.create_revision AS p_create_revision, p.value AS p_value
      FROM kine k LEFT JOIN kine p ON p.id = k.prev_revision
      WHERE k.id > @after AND k.id <= @upto AND ${rangeSql('k.name', shape)}
      ORDER BY k.id`);
  }

  private prepared<R>(id: string, sql: () => string): Statement<[Record<string, unknown>], R> {
    let stmt = this.cache.get(id);
    if (!stmt) {
      stmt = this.db.prepare(sql());
      this.cache.set(id, stmt);
    }
    return stmt as Statement<[Record<string, unknown>], R>;
  }
}
