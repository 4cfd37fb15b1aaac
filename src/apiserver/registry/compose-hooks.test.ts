import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeHookTables } from './compose-hooks.js';

test('hooks for the same resource run in order; others pass through unchanged', async () => {
  const calls: string[] = [];
  const svc = { beforeCreate: async () => void calls.push('svc') };
  const table = composeHookTables([
    { '/services': svc, '/pods': { beforeCreate: async () => void calls.push('a') } },
    { '/pods': { beforeCreate: async () => void calls.push('b'), afterDelete: async () => void calls.push('gone') } },
  ]);
  assert.equal(table['/services'], svc);
  await table['/pods']!.beforeCreate!({ metadata: {} }, {});
  await table['/pods']!.afterDelete!({ metadata: {} });
  await table['/pods']!.beforeUpdate!({ metadata: {} }, { metadata: {} }, {});
  assert.deepEqual(calls, ['a', 'b', 'gone']);
});
