import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allCapabilities, capabilitiesInMask, containerCapabilities, defaultCapabilities, hostDevices, ociSeccomp } from './oci-security.js';
import { ociSpec } from './oci-spec.js';
import { runtimeDefaultSeccomp } from './seccomp-default.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-seccomp-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('containerCapabilities', () => {
  it("follows containerd: ALL first, then single adds, then single drops", () => {
    assert.deepEqual(containerCapabilities({}), defaultCapabilities);
    assert.ok(!containerCapabilities({ capDrop: ['NET_RAW'] }).includes('CAP_NET_RAW'));
    assert.deepEqual(containerCapabilities({ capDrop: ['ALL'], capAdd: ['NET_BIND_SERVICE'] }), ['CAP_NET_BIND_SERVICE']);
    const most = containerCapabilities({ capAdd: ['ALL'], capDrop: ['CHOWN'] });
    assert.equal(most.length, allCapabilities().length - 1);
    assert.ok(!most.includes('CAP_CHOWN'));
    assert.deepEqual(containerCapabilities({ privileged: true, capDrop: ['ALL'] }), allCapabilities());
    assert.deepEqual(capabilitiesInMask('3'), ['CAP_CHOWN', 'CAP_DAC_OVERRIDE']);
    assert.equal(capabilitiesInMask('1ffffffffff').length, 41);
    assert.ok(!capabilitiesInMask('1fffeffffff').includes('CAP_SYS_RESOURCE'));
    assert.ok(containerCapabilities({ capAdd: ['sys_admin'] }).includes('CAP_SYS_ADMIN'));
  });
});

describe('seccomp', () => {
  it('RuntimeDefault denies with EPERM, allows the basics, and unlocks syscalls by capability', () => {
    const p = runtimeDefaultSeccomp(defaultCapabilities, 'x64') as { defaultAction: string; defaultErrnoRet: number; architectures: string[]; syscalls: { names: string[]; action: string; args?: unknown[] }[] };
    assert.equal(p.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(p.defaultErrnoRet, 1);
    assert.deepEqual(p.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    const allowed = p.syscalls[0]!.names;
    for (const n of ['read', 'write', 'execve', 'socket', 'chroot', 'arch_prctl']) assert.ok(allowed.includes(n), n);
    for (const n of ['mount', 'unshare', 'setns', 'reboot', 'keyctl', 'add_key', 'kexec_load']) assert.ok(!allowed.includes(n), n);
    assert.ok(p.syscalls.some((r) => r.names[0] === 'clone' && r.args?.length === 1));
    const admin = runtimeDefaultSeccomp([...defaultCapabilities, 'CAP_SYS_ADMIN'], 'x64') as typeof p;
    assert.ok(admin.syscalls[0]!.names.includes('mount'));
    assert.ok(!admin.syscalls.some((r) => r.names[0] === 'clone3'));
    const noChroot = runtimeDefaultSeccomp(['CAP_CHOWN'], 'x64') as typeof p;
    assert.ok(!noChroot.syscalls[0]!.names.includes('chroot'));
  });

  it('reads Localhost profiles, reports a missing one like containerd, and never filters privileged containers', () => {
    writeFileSync(join(dir, 'log.json'), JSON.stringify({ defaultAction: 'SCMP_ACT_LOG' }));
    assert.deepEqual(ociSeccomp({ type: 'Localhost', path: join(dir, 'log.json') }, false, []), { defaultAction: 'SCMP_ACT_LOG' });
    assert.throws(() => ociSeccomp({ type: 'Localhost', path: join(dir, 'nope.json') }, false, []), /cannot load seccomp profile ".*nope.json"/);
    assert.equal(ociSeccomp({ type: 'RuntimeDefault' }, true, []), undefined);
    assert.equal(ociSeccomp({ type: 'Unconfined' }, false, []), undefined);
  });
});

describe('ociSpec security', () => {
  const base = { args: ['sh'], env: [], cwd: '/', user: { uid: 1000, gid: 1000 }, hostname: 'h', cgroupsPath: '/k/p/c', mounts: [], resources: {} };
  it('keeps effective caps for non-root users, masks /proc, joins the chosen namespaces', () => {
    const spec = ociSpec({ ...base, netnsPath: '/var/run/netns/k8ts-x', pidnsPath: '/proc/42/ns/pid', security: { pidNamespace: 'pod', sysctls: { 'net.ipv4.ping_group_range': '0 1' }, seccomp: { type: 'RuntimeDefault' } } }) as any;
    assert.deepEqual(spec.process.capabilities.effective, defaultCapabilities);
    assert.equal(spec.process.capabilities.ambient, undefined);
    assert.ok(spec.linux.maskedPaths.includes('/proc/kcore'));
    assert.ok(spec.linux.readonlyPaths.includes('/proc/sys'));
    assert.deepEqual(spec.linux.namespaces.map((n: any) => n.path ? `${n.type}=${n.path}` : n.type), ['mount', 'pid=/proc/42/ns/pid', 'ipc', 'uts', 'network=/var/run/netns/k8ts-x']);
    assert.deepEqual(spec.linux.sysctl, { 'net.ipv4.ping_group_range': '0 1' });
    assert.equal(spec.linux.seccomp.defaultAction, 'SCMP_ACT_ERRNO');
  });

  it('host PID and IPC leave those namespaces out; privileged and Unmasked drop the masks', () => {
    const host = ociSpec({ ...base, security: { pidNamespace: 'node', hostIPC: true } }) as any;
    assert.deepEqual(host.linux.namespaces.map((n: any) => n.type), ['mount', 'uts', 'network']);
    const unmasked = ociSpec({ ...base, security: { unmaskedProc: true } }) as any;
    assert.equal(unmasked.linux.maskedPaths, undefined);
    const priv = ociSpec({ ...base, security: { privileged: true, seccomp: { type: 'RuntimeDefault' } } }) as any;
    assert.equal(priv.linux.maskedPaths, undefined);
    assert.equal(priv.linux.seccomp, undefined);
    assert.ok(priv.linux.devices.some((d: any) => d.path === '/dev/null' && d.type === 'c' && d.major === 1 && d.minor === 3));
  });

  it('lists host devices', () => {
    const devs = hostDevices();
    assert.ok(devs.some((d) => d.path === '/dev/zero' && d.major === 1 && d.minor === 5));
    assert.ok(!devs.some((d) => String(d.path).startsWith('/dev/pts/')));
  });
});
