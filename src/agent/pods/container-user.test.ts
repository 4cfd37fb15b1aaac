import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/types.js';
import { containerUser } from './container-user.js';
import { ContainerConfigError } from './env.js';

const layer = mkdtempSync(join(tmpdir(), 'k8ts-user-test-'));
mkdirSync(join(layer, 'etc'));
writeFileSync(join(layer, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n');
writeFileSync(join(layer, 'etc', 'group'), 'root:x:0:\nwheel:x:10:root\nstaff:x:50:app,other\napp:x:1001:app\n');
after(() => rmSync(layer, { recursive: true, force: true }));

const podOf = (sc?: Record<string, unknown>): KubeObject => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { securityContext: sc } });

describe('containerUser', () => {
  const pod = podOf();
  it('reads the image USER by id or name (its group part ignored, as on Kubernetes); the primary gid leads the groups', () => {
    assert.deepEqual(containerUser('', [layer], pod, { name: 'c' }), { uid: 0, gid: 0, additionalGids: [0, 10] });
    assert.deepEqual(containerUser('app', [layer], pod, { name: 'c' }), { uid: 1000, gid: 1001, additionalGids: [1001, 50] });
    assert.deepEqual(containerUser('1000:staff', [layer], pod, { name: 'c' }), { uid: 1000, gid: 1001, additionalGids: [1001, 50] });
    assert.deepEqual(containerUser('42', [layer], pod, { name: 'c' }), { uid: 42, gid: 0, additionalGids: [0] });
  });

  it('lets the container win over the pod, looks the uid up for its group, adds fsGroup and supplementalGroups', () => {
    assert.deepEqual(containerUser('app', [layer], podOf({ runAsUser: 7, supplementalGroups: [9] }), { name: 'c', securityContext: { runAsGroup: 8 } }), { uid: 7, gid: 8, additionalGids: [8, 9] });
    assert.deepEqual(containerUser('', [layer], podOf({ runAsUser: 1000, fsGroup: 2000, supplementalGroups: [3000, 2000] }), { name: 'c' }), { uid: 1000, gid: 1001, additionalGids: [1001, 50, 2000, 3000] });
    assert.deepEqual(containerUser('app', [layer], podOf({ supplementalGroupsPolicy: 'Strict' }), { name: 'c' }).additionalGids, [1001]);
  });

  it("enforces runAsNonRoot with the kubelet's messages", () => {
    const msg = (e: Error) => e instanceof ContainerConfigError && e.message;
    assert.throws(() => containerUser('', [layer], podOf({ runAsNonRoot: true }), { name: 'c' }), (e: Error) => msg(e) === 'container has runAsNonRoot and image will run as root (pod: "p_ns(u1)", container: c)');
    assert.throws(() => containerUser('0:0', [layer], pod, { name: 'c', securityContext: { runAsNonRoot: true } }), /image will run as root/);
    assert.throws(() => containerUser('app', [layer], podOf({ runAsNonRoot: true }), { name: 'c' }), (e: Error) => msg(e) === 'container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root (pod: "p_ns(u1)", container: c)');
    assert.throws(() => containerUser('app', [layer], podOf({ runAsNonRoot: true, runAsUser: 0 }), { name: 'c' }), (e: Error) => msg(e) === 'container\'s runAsUser breaks non-root policy (pod: "p_ns(u1)", container: c)');
    assert.equal(containerUser('', [layer], podOf({ runAsNonRoot: true }), { name: 'c', securityContext: { runAsUser: 5 } }).uid, 5);
    assert.equal(containerUser('1000', [layer], podOf({ runAsNonRoot: true }), { name: 'c' }).uid, 1000);
    // A container may switch the check off for itself.
    assert.equal(containerUser('', [layer], podOf({ runAsNonRoot: true }), { name: 'c', securityContext: { runAsNonRoot: false } }).uid, 0);
    assert.throws(() => containerUser('nobody', [layer], pod, { name: 'c' }), /unable to find user nobody/);
  });
});
