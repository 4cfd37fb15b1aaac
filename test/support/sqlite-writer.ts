/**
 * Child process for the SQLite durability test: creates keys in the store at argv[2] for as
 * long as it lives and prints each key after its create has returned, so every key the
 * parent reads was acknowledged first. The test SIGKILLs it mid-stream.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';

const path = process.argv[2];
if (!path) throw new Error('usage: sqlite-writer.js DB_PATH');
const store = openSqliteStore(path);
for (let i = 0; ; i++) {
  const key = `/durability/k${String(i).padStart(7, '0')}`;
  await store.create(key, JSON.stringify({ i }));
  process.stdout.write(`${key}\n`);
  // SQLite writes never leave the microtask queue; without a turn of the event loop a
  // stdout pipe that is full once would never drain and the parent would wait forever.
  await yieldToEventLoop();
}
