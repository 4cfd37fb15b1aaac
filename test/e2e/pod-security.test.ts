// Security contexts and container environment end to end: a real `k8ts server` with its
// embedded agent runs busybox pods as runc containers; the real kubectl creates them, reads
// their status and events and runs commands in them. What the test makes on the machine is
// removed with `k8ts reset` at the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostAppArmorEnabled } from '../../src/agent/pods/apparmor-admission.js';
import { AgentNode, startAgentNode } from '../support/agent-node.js';
import { Kubectl } from '../support/kubectl.js';
import { waitFor } from '../support/wait-for.js';

const tag = randomBytes(3).toString('hex');

let n: AgentNode;
let node: string;
let image: string;
let dataDir: string;
let k: Kubectl;
const apply = (obj: Record<string, unknown>) => n.apply(obj);

const sleeper = (name: string, securityContext?: Record<string, unknown>) => ({ name, image, command: ['sleep', '3600'], ...(securityContext ? { securityContext } : {}) });

/** Waits until `kubectl get pod` shows the STATUS. */
async function waitStatus(pod: string, status: string): Promise<string> {
  return waitFor(`${pod} ${status}`, async () => {
    const row = (await k.ok(['get', 'pod', pod, '--no-headers'])).trim();
    return row.split(/\s+/)[2] === status ? row : undefined;
  });
}

/** `kubectl exec` in a container: exit code and both streams. */
async function exec(pod: string, container: string, ...cmd: string[]) {
  return k.run(['exec', pod, '-c', container, '--', ...cmd]);
}

before(async () => {
  n = await startAgentNode({ name: `e2e-${tag}` });
  ({ nodeName: node, image, dataDir, k } = n);
});

after(() => n?.stop());

describe('security context', () => {
  test('runAsUser, readOnlyRootFilesystem, dropped NET_RAW and NET_BIND_SERVICE, RuntimeDefault seccomp', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'sec' },
      spec: {
        terminationGracePeriodSeconds: 1,
        securityContext: { supplementalGroups: [4000], fsGroup: 3000 },
        containers: [
          sleeper('root'),
          sleeper('user', { runAsUser: 1000, runAsGroup: 2000 }),
          sleeper('nobind', { runAsUser: 1000, capabilities: { drop: ['NET_BIND_SERVICE'] } }),
          sleeper('rootnobind', { capabilities: { drop: ['NET_BIND_SERVICE'] } }),
          sleeper('noraw', { capabilities: { drop: ['NET_RAW'] } }),
          sleeper('ro', { readOnlyRootFilesystem: true }),
          sleeper('seccomp', { seccompProfile: { type: 'RuntimeDefault' }, allowPrivilegeEscalation: false }),
          sleeper('priv', { privileged: true }),
        ],
      },
    });
    await waitStatus('sec', 'Running');

    const id = await exec('sec', 'user', 'id');
    assert.equal(id.stdout.trim(), 'uid=1000 gid=2000 groups=2000,3000,4000');
    assert.match((await exec('sec', 'root', 'id')).stdout, /^uid=0\(root\) gid=0\(root\) groups=0\(root\),3000,4000$/m);

    // Binding port 80 needs NET_BIND_SERVICE: root has it unless dropped. A non-root user loses
    // its capabilities at exec (no ambient set, as on containerd), so it cannot bind either way.
    // `timeout` ends a listener that did bind.
    const bind = async (c: string) => (await exec('sec', c, 'timeout', '1', 'nc', '-l', '-p', '80')).stderr;
    assert.doesNotMatch(await bind('root'), /bind/);
    assert.match(await bind('rootnobind'), /bind: Permission denied/);
    assert.match(await bind('nobind'), /bind: Permission denied/);
    assert.match(await bind('user'), /bind: Permission denied/);
    assert.match((await exec('sec', 'user', 'grep', 'CapEff', '/proc/self/status')).stdout, /^CapEff:\s+0+$/m);

    assert.equal((await exec('sec', 'root', 'ping', '-c', '1', '-W', '2', '127.0.0.1')).code, 0);
    const ping = await exec('sec', 'noraw', 'ping', '-c', '1', '-W', '2', '127.0.0.1');
    assert.notEqual(ping.code, 0);
    assert.match(ping.stderr, /permission denied|Operation not permitted/i);

    const touch = await exec('sec', 'ro', 'touch', '/written');
    assert.notEqual(touch.code, 0);
    assert.match(touch.stderr, /Read-only file system/);
    assert.equal((await exec('sec', 'root', 'touch', '/written')).code, 0);

    // RuntimeDefault refuses new namespaces to a container without SYS_ADMIN; unconfined allows a user namespace.
    assert.equal((await exec('sec', 'root', 'unshare', '-U', 'true')).code, 0);
    const unshare = await exec('sec', 'seccomp', 'unshare', '-U', 'true');
    assert.notEqual(unshare.code, 0);
    assert.match(unshare.stderr, /Operation not permitted/);
    assert.match((await exec('sec', 'seccomp', 'cat', '/proc/self/status')).stdout, /^NoNewPrivs:\s+1$/m);
    assert.match((await exec('sec', 'root', 'cat', '/proc/self/status')).stdout, /^Seccomp:\s+0$/m);
    // Privileged: every capability (mount works), /proc unmasked.
    const mount = (c: string) => exec('sec', c, 'sh', '-c', 'mkdir -p /scratch && mount -t tmpfs none /scratch');
    assert.equal((await mount('priv')).code, 0);
    assert.match((await mount('root')).stderr, /permission denied/i);
    // … every capability the node itself has.
    const capEff = (status: string) => /CapEff:\s+([0-9a-f]+)/.exec(status)![1];
    assert.equal(capEff((await exec('sec', 'priv', 'cat', '/proc/self/status')).stdout), /CapBnd:\s+([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
    // /proc is masked as containerd masks it.
    assert.equal((await exec('sec', 'root', 'cat', '/proc/kcore')).stdout, '');
    assert.notEqual((await exec('sec', 'root', 'sh', '-c', 'echo 1 > /proc/sys/kernel/domainname')).code, 0);
  });

  test('a Localhost seccomp profile from the agent seccomp folder applies; a missing one is a CreateContainerError', async () => {
    const dir = join(dataDir, 'agent', 'seccomp', 'profiles');
    mkdirSync(dir, { recursive: true });
    const denyMkdir = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] };
    writeFileSync(join(dir, 'no-mkdir.json'), JSON.stringify(denyMkdir));
    const localhost = (name: string, profile: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { terminationGracePeriodSeconds: 1, securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: profile } }, containers: [sleeper('app')] },
    });
    await apply(localhost('seccomp-local', 'profiles/no-mkdir.json'));
    await apply(localhost('seccomp-missing', 'profiles/absent.json'));
    await waitStatus('seccomp-local', 'Running');
    const mkdir = await exec('seccomp-local', 'app', 'mkdir', '/made');
    assert.notEqual(mkdir.code, 0);
    assert.match(mkdir.stderr, /Permission denied/);
    assert.equal((await exec('seccomp-local', 'app', 'touch', '/made')).code, 0);
    await waitStatus('seccomp-missing', 'CreateContainerError');
    assert.match(await k.ok(['describe', 'pod', 'seccomp-missing']), /cannot load seccomp profile ".*profiles\/absent\.json"/);
  });

  test('runAsNonRoot with an image that runs as root: CreateContainerConfigError with the message in describe', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'nonroot' },
      spec: { terminationGracePeriodSeconds: 1, securityContext: { runAsNonRoot: true }, containers: [sleeper('app')] },
    });
    await waitStatus('nonroot', 'CreateContainerConfigError');
    const uid = (await k.ok(['get', 'pod', 'nonroot', '-o', 'jsonpath={.metadata.uid}'])).trim();
    const describe = await k.ok(['describe', 'pod', 'nonroot']);
    assert.match(describe, /Reason:\s+CreateContainerConfigError/);
    assert.ok(describe.includes(`Error: container has runAsNonRoot and image will run as root (pod: "nonroot_default(${uid})", container: app)`), describe);
  });

  test('an AppArmor profile on a host without AppArmor is refused with reason AppArmor', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'apparmor' },
      spec: { terminationGracePeriodSeconds: 1, securityContext: { appArmorProfile: { type: 'RuntimeDefault' } }, containers: [sleeper('app')] },
    });
    if (hostAppArmorEnabled()) {
      // k8ts applies no profiles: on an AppArmor host the pod runs unconfined.
      await waitStatus('apparmor', 'Running');
      return;
    }
    await waitStatus('apparmor', 'AppArmor');
    assert.equal(JSON.parse(await k.ok(['get', 'pod', 'apparmor', '-o', 'json'])).status.message, 'Pod was rejected: Cannot enforce AppArmor: AppArmor is not enabled on the host');
    assert.match(await k.ok(['get', 'events', '--field-selector', 'involvedObject.name=apparmor', '-o', 'custom-columns=R:.reason', '--no-headers']), /^AppArmor$/m);
  });

  test('an unsafe sysctl is refused with SysctlForbidden; a safe one is set in the pod', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'unsafe-sysctl' },
      spec: { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '65536' }] }, containers: [sleeper('app')] },
    });
    await waitStatus('unsafe-sysctl', 'SysctlForbidden');
    const pod = JSON.parse(await k.ok(['get', 'pod', 'unsafe-sysctl', '-o', 'json']));
    assert.equal(pod.status.phase, 'Failed');
    assert.equal(pod.status.message, 'Pod was rejected: forbidden sysctl: "kernel.msgmax" not allowlisted');

    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'safe-sysctl' },
      spec: {
        terminationGracePeriodSeconds: 1,
        securityContext: { sysctls: [{ name: 'net.ipv4.ping_group_range', value: '0 2147483647' }, { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
        containers: [sleeper('app', { runAsUser: 1000, capabilities: { drop: ['NET_RAW'] } })],
      },
    });
    await waitStatus('safe-sysctl', 'Running');
    assert.equal((await exec('safe-sysctl', 'app', 'cat', '/proc/sys/net/ipv4/ping_group_range')).stdout.split(/\s+/).join(' ').trim(), '0 2147483647');
    // With it, a non-root user without capabilities binds port 80.
    assert.doesNotMatch((await exec('safe-sysctl', 'app', 'timeout', '1', 'nc', '-l', '-p', '80')).stderr, /bind/);
  });

  test('shareProcessNamespace: containers see each other; hostPID and hostIPC: the node is visible; a pod shares IPC and /dev/shm', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'shared-pid' },
      spec: { terminationGracePeriodSeconds: 1, shareProcessNamespace: true, containers: [{ ...sleeper('a'), command: ['sleep', '3601'] }, { ...sleeper('b'), command: ['sleep', '3602'] }] },
    });
    await apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'host-pid' }, spec: { terminationGracePeriodSeconds: 1, hostPID: true, hostIPC: true, containers: [sleeper('app')] } });
    await waitStatus('shared-pid', 'Running');
    const ps = (await exec('shared-pid', 'b', 'ps', '-o', 'pid,args')).stdout;
    assert.match(ps, /sleep 3601/);
    assert.match(ps, /^\s*1\s+catatonit -P$/m);
    // A container restart does not take the namespace down.
    await exec('shared-pid', 'b', 'sh', '-c', "kill $(ps -o pid,args | grep '[s]leep 3601' | awk '{print $1}')");
    await waitFor('a restarted', async () => (await k.ok(['get', 'pod', 'shared-pid', '--no-headers'])).split(/\s+/)[3] === '1');
    await waitFor('b sees the new a', async () => /sleep 3601/.test((await exec('shared-pid', 'b', 'ps', '-o', 'args')).stdout));

    // One IPC namespace and one /dev/shm per pod, as under a pause container.
    const ipcOf = async (pod: string, c: string) => (await exec(pod, c, 'readlink', '/proc/self/ns/ipc')).stdout.trim();
    assert.equal(await ipcOf('shared-pid', 'a'), await ipcOf('shared-pid', 'b'));
    assert.notEqual(await ipcOf('shared-pid', 'a'), readlinkSync('/proc/self/ns/ipc'));
    assert.equal((await exec('shared-pid', 'a', 'sh', '-c', 'echo shared > /dev/shm/note')).code, 0);
    assert.equal((await exec('shared-pid', 'b', 'cat', '/dev/shm/note')).stdout, 'shared\n');

    await waitStatus('host-pid', 'Running');
    // This test's own process is on the node: visible with hostPID, not from an ordinary pod.
    assert.equal((await exec('host-pid', 'app', 'test', '-d', `/proc/${process.pid}`)).code, 0);
    assert.notEqual((await exec('shared-pid', 'a', 'test', '-d', `/proc/${process.pid}`)).code, 0);
    assert.equal(await ipcOf('host-pid', 'app'), readlinkSync('/proc/self/ns/ipc'));
  });
});

describe('environment', () => {
  test('envFrom a ConfigMap with a prefix, $(VAR) in args, fieldRef, resourceFieldRef and service links', async () => {
    await k.ok(['create', 'configmap', 'settings', '--from-literal=GREETING=hello', '--from-literal=COLOR=blue']);
    await k.ok(['create', 'service', 'clusterip', 'web-front', '--tcp=80:8080']);
    const webIP = (await k.ok(['get', 'svc', 'web-front', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'env', labels: { app: 'env-demo' } },
      spec: {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'app',
            image,
            command: ['sh', '-c'],
            // Kubernetes expands before the shell runs; single quotes keep the rest from sh.
            args: ["echo 'args: $(CFG_GREETING) $(POD_NAME) $$(literal) $(MISSING)'; env | sort"],
            envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'settings' } }],
            resources: { limits: { memory: '64Mi' } },
            env: [
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
              { name: 'APP_LABEL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
              { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
              { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
              { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
              { name: 'WEB_URL', value: 'http://$(WEB_FRONT_SERVICE_HOST):$(WEB_FRONT_SERVICE_PORT)/$(CFG_COLOR)' },
            ],
          },
        ],
      },
    });
    await waitStatus('env', 'Completed');
    const logs = await k.ok(['logs', 'env']);
    const uid = (await k.ok(['get', 'pod', 'env', '-o', 'jsonpath={.metadata.uid}'])).trim();
    const env = Object.fromEntries(logs.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    assert.match(logs, /^args: hello env \$\(literal\) \$\(MISSING\)$/m);
    assert.equal(env.CFG_GREETING, 'hello');
    assert.equal(env.CFG_COLOR, 'blue');
    assert.equal(env.POD_NAME, 'env');
    assert.equal(env.POD_NAMESPACE, 'default');
    assert.equal(env.POD_UID, uid);
    assert.equal(env.APP_LABEL, 'env-demo');
    assert.equal(env.NODE_NAME, node);
    assert.equal(env.SA, 'default');
    assert.equal(env.HOST_IP, '127.0.0.1');
    assert.equal(env.MEM_MI, '64');
    assert.equal(env.WEB_URL, `http://${webIP}:80/blue`);
    assert.equal(env.WEB_FRONT_SERVICE_HOST, webIP);
    assert.equal(env.WEB_FRONT_SERVICE_PORT_80_8080, '80');
    assert.equal(env.WEB_FRONT_PORT, `tcp://${webIP}:80`);
    assert.equal(env.WEB_FRONT_PORT_80_TCP_ADDR, webIP);
    assert.ok(env.KUBERNETES_SERVICE_HOST);
    assert.equal(env.KUBERNETES_PORT_443_TCP_PORT, '443');

    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'env-nolinks' },
      spec: { restartPolicy: 'Never', enableServiceLinks: false, containers: [{ name: 'app', image, command: ['env'] }] },
    });
    await waitStatus('env-nolinks', 'Completed');
    const plain = await k.ok(['logs', 'env-nolinks']);
    assert.match(plain, /^KUBERNETES_SERVICE_HOST=/m);
    assert.doesNotMatch(plain, /WEB_FRONT/);
  });
});
