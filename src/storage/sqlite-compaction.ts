import type { Database } from 'better-sqlite3';
import { writeMeta } from './sqlite-schema.js';

/** Revisions handled per transaction; between batches other work gets the event loop. */
export const COMPACT_BATCH = 1000;

/**
 * Deletes the history that is no longer visible at or after revision `to`, working forward
 * from `from` (where the previous compaction finished).
 *
 * A row is superseded exactly when a later row names it as prev_revision, so for every row
 * with id in (from, to] its predecessor goes; deletion markers at or below `to` go too (and
 * their predecessors with them, in the same batch). The current row of a live key is never
 * anyone's predecessor and never a marker, so it always stays; rows above `to` are untouched.
 * Each batch records its progress in `compact_done`, so after a crash the next compaction
 * picks up where this one stopped; `stopRequested` lets a closing store stop early.
 */
export async function compactLog(
  db: Database,
  from: number,
  to: number,
  stopRequested: () => boolean = () => false,
  batch = COMPACT_BATCH,
): Promise<void> {
  const dropSuperseded = db.prepare(
    'DELETE FROM kine WHERE id IN (SELECT prev_revision FROM kine WHERE id > ? AND id <= ? AND prev_revision > 0)',
  );
  const dropMarkers = db.prepare('DELETE FROM kine WHERE deleted = 1 AND id > ? AND id <= ?');
  const step = db.transaction((lo: number, hi: number) => {
    dropSuperseded.run(lo, hi);
    dropMarkers.run(lo, hi);
    writeMeta(db, 'compact_done', hi);
  });
  for (let lo = from; lo < to; lo += batch) {
    if (stopRequested()) return; // closing: the next compaction resumes from compact_done
    step(lo, Math.min(lo + batch, to));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
