/**
 * Child process for the SQLite durability test: creates keys in the store at argv[2] for as
 * long as it lives and prints each key once its create has returned (stdout to a pipe is
 * synchronous on Linux, so a printed key is an acknowledged one). The test SIGKILLs it.
 */
import { openSqliteStore } from '../../src/storage/sqlite-store.js';

const path = process.argv[2];
if (!path) throw new Error('usage: sqlite-writer.js DB_PATH');
const store = openSqliteStore(path);
for (let i = 0; ; i++) {
  const key = `/durability/k${String(i).padStart(7, '0')}`;
  await store.create(key, JSON.stringify({ i }));
  process.stdout.write(`${key}\n`);
}
