import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { containerArgv, expandVars } from './command.js';

describe('expandVars', () => {
  it('expands known references, keeps unknown ones and unescapes $$', () => {
    assert.equal(expandVars('$(A)-$(B)-$$(A)-$(', { A: '1' }), '1-$(B)-$(A)-$(');
    assert.equal(expandVars('cost: $5', {}), 'cost: $5');
  });
});

describe('containerArgv', () => {
  const image = { entrypoint: ['/entry'], cmd: ['--default'] };
  it('uses ENTRYPOINT and CMD when the pod sets neither', () => {
    assert.deepEqual(containerArgv({}, image, {}), ['/entry', '--default']);
  });
  it('replaces CMD with args, keeping ENTRYPOINT', () => {
    assert.deepEqual(containerArgv({ args: ['x', '$(V)'] }, image, { V: 'v' }), ['/entry', 'x', 'v']);
  });
  it('replaces ENTRYPOINT and drops CMD when command is set', () => {
    assert.deepEqual(containerArgv({ command: ['sh'] }, image, {}), ['sh']);
    assert.deepEqual(containerArgv({ command: ['sh'], args: ['-c', 'true'] }, image, {}), ['sh', '-c', 'true']);
  });
});
