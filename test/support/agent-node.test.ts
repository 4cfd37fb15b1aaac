// A node whose server cannot start must leave nothing behind: the failed start removes its
// data dir and releases its claim (which also ends the registry it started).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startAgentNode } from './agent-node.js';

describe('startAgentNode', () => {
  it('cleans up after a server that does not start', async () => {
    const name = `nodefail-${randomBytes(3).toString('hex')}`;
    await assert.rejects(startAgentNode({ name, extraArgs: ['--no-such-flag'] }), /k8ts server exited/);
    assert.deepEqual(readdirSync(tmpdir()).filter((d) => d.startsWith(`k8ts-${name}-`)), []);
    assert.equal(existsSync(`/run/k8ts-test-owners/${name}.json`), false);
    assert.equal(existsSync(`/run/k8ts-${name}`), false);
  });
});
