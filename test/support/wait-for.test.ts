import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Fatal, runCleanup, waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('returns the first truthy value, retrying through falsy results and errors', async () => {
    let calls = 0;
    const v = await waitFor('the third call', async () => {
      calls++;
      if (calls === 1) throw new Error('not yet');
      return calls === 3 ? { calls } : undefined;
    }, 5_000, 1);
    assert.deepEqual(v, { calls: 3 });
  });

  it('times out naming what it waited for and the last error', async () => {
    await assert.rejects(waitFor('never', async () => {
      throw new Error('still broken');
    }, 30, 5), /^Error: timed out waiting for never: Error: still broken$/);
  });

  it('ends at once on a Fatal error', async () => {
    let calls = 0;
    await assert.rejects(waitFor('a dead process', async () => {
      calls++;
      throw new Fatal('exited 1');
    }, 5_000, 1), (err) => err instanceof Fatal);
    assert.equal(calls, 1);
  });
});

describe('runCleanup', () => {
  it('runs every step in order even when one fails', async () => {
    const ran: number[] = [];
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      await runCleanup([() => ran.push(1), () => Promise.reject(new Error('boom')), async () => ran.push(3)]);
    } finally {
      console.error = original;
    }
    assert.deepEqual(ran, [1, 3]);
    assert.equal(logged.length, 1);
  });
});
