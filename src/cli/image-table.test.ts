import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatImageTable, humanSize } from './image-table.js';

test('sizes print like Go units.HumanSizeWithPrecision(size, 3)', () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(999), '999B');
  assert.equal(humanSize(1000), '1kB');
  assert.equal(humanSize(1234), '1.23kB');
  assert.equal(humanSize(4_260_000), '4.26MB');
  assert.equal(humanSize(35_512_345), '35.5MB');
  assert.equal(humanSize(2_000_000_000), '2GB');
});

test('columns are at least 20 wide with 3 spaces of padding; untagged images show <none>', () => {
  const d = (c: string) => `sha256:${c.repeat(64)}`;
  assert.equal(
    formatImageTable([
      { name: 'docker.io/library/busybox', tag: 'latest', configDigest: d('a'), size: 2_000_000 },
      { name: 'x', configDigest: d('b'), size: 10 },
    ]),
    'IMAGE                       TAG                 IMAGE ID            SIZE\n' +
      'docker.io/library/busybox   latest              aaaaaaaaaaaaa       2MB\n' +
      'x                           <none>              bbbbbbbbbbbbb       10B\n',
  );
  assert.equal(formatImageTable([{ name: 'x', tag: '1', configDigest: d('b'), size: 1 }, { name: 'y', tag: '1', configDigest: d('b'), size: 1 }], { quiet: true }), `${d('b')}\n`);
});
