import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerUser } from './container-user.js';
import { containerResources, containerSecurity } from './container-resources.js';

const layer = mkdtempSync(join(tmpdir(), 'k8ts-user-test-'));
mkdirSync(join(layer, 'etc'));
writeFileSync(join(layer, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n');
writeFileSync(join(layer, 'etc', 'group'), 'root:x:0:\nstaff:x:50:\n');
after(() => rmSync(layer, { recursive: true, force: true }));

describe('containerUser', () => {
  it('reads the image USER by id or name, with an optional group', () => {
    assert.deepEqual(containerUser('', [layer], undefined, undefined, 'p', 'c'), { uid: 0, gid: 0, additionalGids: [] });
    assert.deepEqual(containerUser('app', [layer], undefined, undefined, 'p', 'c'), { uid: 1000, gid: 1001, additionalGids: [] });
    assert.deepEqual(containerUser('1000:staff', [layer], undefined, undefined, 'p', 'c'), { uid: 1000, gid: 50, additionalGids: [] });
    assert.deepEqual(containerUser('42', [layer], undefined, undefined, 'p', 'c'), { uid: 42, gid: 0, additionalGids: [] });
  });

  it('lets the security context win and enforces runAsNonRoot', () => {
    assert.deepEqual(containerUser('app', [layer], { runAsUser: 7, supplementalGroups: [9] }, { runAsGroup: 8 }, 'p', 'c'), { uid: 7, gid: 8, additionalGids: [9] });
    assert.throws(() => containerUser('', [layer], { runAsNonRoot: true }, undefined, 'p', 'c'), /container has runAsNonRoot and image will run as root \(pod: "p", container: c\)/);
    assert.throws(() => containerUser('nobody', [layer], undefined, undefined, 'p', 'c'), /unable to find user nobody/);
  });
});

describe('containerResources', () => {
  it('turns requests and limits into shares, quota, memory limit and OOM score', () => {
    assert.deepEqual(containerResources({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }, 'Burstable', 8 * 2 ** 30), {
      cpuShares: 256,
      cpuQuota: 50_000,
      cpuPeriod: 100_000,
      memoryLimitBytes: 128 * 2 ** 20,
      oomScoreAdj: 993,
    });
    assert.deepEqual(containerResources(undefined, 'BestEffort', 1), { cpuShares: 2, oomScoreAdj: 1000 });
    assert.equal(containerResources({ requests: { cpu: '1' }, limits: { cpu: '1' } }, 'Guaranteed', 1).oomScoreAdj, -997);
  });

  it('maps the security context', () => {
    assert.deepEqual(containerSecurity({ allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN'] } }), {
      privileged: false,
      readOnlyRootFilesystem: false,
      noNewPrivileges: true,
      capAdd: ['NET_ADMIN'],
      capDrop: [],
    });
  });
});
