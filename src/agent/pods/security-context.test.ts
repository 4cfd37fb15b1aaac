import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { containerSecurity, effectiveSecurityContext, normalizeSysctlName } from './security-context.js';
import { admitSysctls } from './sysctl-admission.js';
import { admitAppArmor } from './apparmor-admission.js';
import { admitPod } from './pod-admission.js';

const pod = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec });

describe('effectiveSecurityContext', () => {
  it('lets every field the container sets win over the pod', () => {
    assert.deepEqual(effectiveSecurityContext({ runAsUser: 1000, runAsNonRoot: true, fsGroup: 2000 }, { runAsUser: 0, runAsNonRoot: undefined }), { runAsUser: 0, runAsNonRoot: true, fsGroup: 2000 });
    assert.deepEqual(effectiveSecurityContext(undefined, undefined), {});
  });
});

describe('containerSecurity', () => {
  it('maps privileges, seccomp, /proc masking, sysctls and namespaces', () => {
    const sec = containerSecurity(
      pod({ shareProcessNamespace: true, securityContext: { seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net/ipv4/ping_group_range', value: '0 1' }] } }),
      { securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['NET_RAW'] }, procMount: 'Default' } },
      '/seccomp',
    );
    assert.deepEqual(sec, {
      privileged: false,
      readOnlyRootFilesystem: true,
      noNewPrivileges: true,
      capAdd: [],
      capDrop: ['NET_RAW'],
      seccomp: { type: 'RuntimeDefault' },
      unmaskedProc: false,
      sysctls: { 'net.ipv4.ping_group_range': '0 1' },
      pidNamespace: 'pod',
      hostIPC: false,
    });
  });

  it('is unconfined by default; container seccomp wins; Localhost reads from the seccomp folder; hostPID wins over sharing', () => {
    assert.deepEqual(containerSecurity(pod({}), {}, '/s').seccomp, { type: 'Unconfined' });
    const p = pod({ hostPID: true, hostIPC: true, shareProcessNamespace: true, securityContext: { seccompProfile: { type: 'RuntimeDefault' } } });
    const sec = containerSecurity(p, { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' } } }, '/s');
    assert.deepEqual(sec.seccomp, { type: 'Localhost', path: '/s/profiles/audit.json' });
    assert.equal(sec.pidNamespace, 'node');
    assert.equal(sec.hostIPC, true);
    assert.throws(() => containerSecurity(pod({}), { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: '../x' } } }, '/s'), /invalid localhostProfile/);
    assert.equal(containerSecurity(pod({}), { securityContext: { procMount: 'Unmasked' } }, '/s').unmaskedProc, true);
  });
});

describe('sysctls', () => {
  it('normalizes slash-separated names', () => {
    assert.equal(normalizeSysctlName('kernel/shm_rmid_forced'), 'kernel.shm_rmid_forced');
    assert.equal(normalizeSysctlName('net/ipv4/conf/eno2.100/rp_filter'), 'net.ipv4.conf.eno2/100.rp_filter');
    assert.equal(normalizeSysctlName('net.ipv4.tcp_syncookies'), 'net.ipv4.tcp_syncookies');
  });

  it("admits the safe set and rejects the rest with the kubelet's reason and message", () => {
    assert.deepEqual(admitSysctls(pod({ securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } })), { admit: true });
    assert.deepEqual(admitSysctls(pod({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } })), {
      admit: false,
      reason: 'SysctlForbidden',
      message: 'forbidden sysctl: "kernel.msgmax" not allowlisted',
    });
    assert.deepEqual(admitSysctls(pod({ hostNetwork: true, securityContext: { sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }] } })), {
      admit: false,
      reason: 'SysctlForbidden',
      message: 'forbidden sysctl: "net.ipv4.tcp_syncookies" not allowed with host net enabled',
    });
  });
});

describe('AppArmor admission', () => {
  const withProfile = (extra: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
    metadata: { name: 'p', namespace: 'ns', uid: 'u', ...(annotations ? { annotations } : {}) },
    spec: { containers: [{ name: 'c' }], ...extra },
  });
  it('refuses a pending pod that asks for a profile when the host has no AppArmor', () => {
    const refused = { admit: false, reason: 'AppArmor', message: 'Cannot enforce AppArmor: AppArmor is not enabled on the host' };
    assert.deepEqual(admitAppArmor(withProfile({ securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } }), false), refused);
    assert.deepEqual(admitAppArmor(withProfile({}, { 'container.apparmor.security.beta.kubernetes.io/c': 'localhost/x' }), false), refused);
    assert.deepEqual(admitAppArmor(withProfile({ containers: [{ name: 'c', securityContext: { appArmorProfile: { type: 'Localhost' } } }] }), false), refused);
  });

  it('admits unconfined pods, pods without a profile, running pods and AppArmor hosts', () => {
    assert.deepEqual(admitAppArmor(withProfile({}), false), { admit: true });
    assert.deepEqual(admitAppArmor(withProfile({ securityContext: { appArmorProfile: { type: 'Unconfined' } } }), false), { admit: true });
    // The container's own setting wins over the pod's.
    assert.deepEqual(admitAppArmor(withProfile({ securityContext: { appArmorProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'c', securityContext: { appArmorProfile: { type: 'Unconfined' } } }] }), false), { admit: true });
    assert.deepEqual(admitAppArmor({ ...withProfile({ securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } }), status: { phase: 'Running' } }, false), { admit: true });
    assert.deepEqual(admitAppArmor(withProfile({ securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } }), true), { admit: true });
  });

  it('runs the sysctl handler first', () => {
    const p = withProfile({ securityContext: { appArmorProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'kernel.msgmax', value: '1' }] } });
    assert.equal((admitPod(p) as { reason: string }).reason, 'SysctlForbidden');
  });
});
