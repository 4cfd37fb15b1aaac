import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOverlayLowerStacks } from './mounted-layers.js';

test('overlay lower dirs from mountinfo, lowest first', () => {
  const mountinfo = [
    '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard',
    '900 22 0:77 / /run/c1/rootfs rw,relatime - overlay overlay rw,lowerdir=/s/l/3/rootfs:/s/l/2/rootfs:/s/l/1/rootfs,upperdir=/run/c1/upper,workdir=/run/c1/work',
    '901 22 0:78 / /mnt/x rw - overlay k8ts ro,lowerdir=/a\\040b:/c\\:d::/data-only',
    '902 22 0:79 / /mnt/y rw - overlay k8ts rw,lowerdir+=/new/1,lowerdir+=/new/2,upperdir=/u,workdir=/w',
    '903 22 0:80 / /proc rw - proc proc rw',
  ].join('\n');
  assert.deepEqual(parseOverlayLowerStacks(mountinfo), [
    ['/s/l/1/rootfs', '/s/l/2/rootfs', '/s/l/3/rootfs'],
    ['/data-only', '/c:d', '/a b'],
    ['/new/2', '/new/1'],
  ]);
});
