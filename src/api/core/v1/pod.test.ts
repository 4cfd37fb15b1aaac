import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../types.js';
import { pods } from './pod.js';

const now = Date.parse('2024-05-01T12:00:00Z');

function pod(spec: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' }, spec, ...extra };
}

function created(spec: Record<string, unknown>): KubeObject {
  const p = pod(spec);
  pods.defaults!(p);
  pods.prepareForCreate!(p);
  return p;
}

describe('pods: defaults', () => {
  it('fills the scheme and admission defaults', () => {
    const p = created({ containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { port: 80 } } }] });
    const spec = p.spec as Record<string, any>;
    assert.equal(spec.restartPolicy, 'Always');
    assert.equal(spec.dnsPolicy, 'ClusterFirst');
    assert.equal(spec.terminationGracePeriodSeconds, 30);
    assert.equal(spec.schedulerName, 'default-scheduler');
    assert.deepEqual(spec.securityContext, {});
    assert.equal(spec.enableServiceLinks, true);
    assert.equal(spec.priority, 0);
    assert.equal(spec.preemptionPolicy, 'PreemptLowerPriority');
    assert.equal(spec.serviceAccountName, 'default');
    assert.equal(spec.serviceAccount, 'default');
    assert.deepEqual(spec.tolerations, [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const c = spec.containers[0];
    assert.equal(c.imagePullPolicy, 'Always');
    assert.equal(c.terminationMessagePath, '/dev/termination-log');
    assert.equal(c.terminationMessagePolicy, 'File');
    assert.equal(c.ports[0].protocol, 'TCP');
    assert.deepEqual(c.livenessProbe, {
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
  });

  it('picks the pull policy from the tag', () => {
    const p = created({
      containers: [
        { name: 'a', image: 'nginx:1.27' },
        { name: 'b', image: 'registry:5000/app' },
        { name: 'c', image: 'app@sha256:abc' },
        { name: 'd', image: 'nginx:latest', imagePullPolicy: 'Never' },
      ],
    });
    const policies = (p.spec as any).containers.map((c: any) => c.imagePullPolicy);
    assert.deepEqual(policies, ['IfNotPresent', 'Always', 'IfNotPresent', 'Never']);
  });

  it('copies limits into missing requests and sets the QoS class', () => {
    const guaranteed = created({ containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '500m', memory: '128Mi' } } }] });
    assert.deepEqual((guaranteed.spec as any).containers[0].resources.requests, { cpu: '500m', memory: '128Mi' });
    assert.equal((guaranteed.status as any).qosClass, 'Guaranteed');
    const burstable = created({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '100m' } } }] });
    assert.equal((burstable.status as any).qosClass, 'Burstable');
  });

  it('keeps a toleration that already covers the default taints', () => {
    const p = created({ containers: [{ name: 'a', image: 'x' }], tolerations: [{ operator: 'Exists' }] });
    assert.deepEqual((p.spec as any).tolerations, [{ operator: 'Exists' }]);
  });
});

describe('pods: validation', () => {
  const errors = (spec: Record<string, unknown>) => {
    const p = pod(spec);
    pods.defaults!(p);
    return pods.validate!(p).map((e) => `${e.field}: ${e.message}`);
  };

  it('requires containers and images', () => {
    assert.deepEqual(errors({}), ['spec.containers: Required value']);
    assert.deepEqual(errors({ containers: [{ name: 'web' }] }), ['spec.containers[0].image: Required value']);
  });

  it('checks names, ports and enums', () => {
    const errs = errors({
      restartPolicy: 'Sometimes',
      containers: [
        { name: 'Web', image: 'x', ports: [{ containerPort: 70000 }], imagePullPolicy: 'Maybe' },
        { name: 'Web', image: 'y' },
      ],
    });
    assert.ok(errs.includes('spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'));
    assert.ok(errs.includes('spec.containers[0].imagePullPolicy: Unsupported value: "Maybe": supported values: "Always", "IfNotPresent", "Never"'));
    assert.ok(errs.includes('spec.containers[1].name: Duplicate value: "Web"'));
    assert.ok(errs.includes('spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'));
    assert.ok(errs.some((e) => e.startsWith('spec.containers[0].name: Invalid value: "Web": a lowercase RFC 1123 label')));
  });

  it('checks volumes and mounts', () => {
    const errs = errors({
      volumes: [{ name: 'data', emptyDir: {} }, { name: 'data', configMap: { name: 'c' } }],
      containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'nope', mountPath: '/d' }] }],
    });
    assert.deepEqual(errs, ['spec.volumes[1].name: Duplicate value: "data"', 'spec.containers[0].volumeMounts[0].name: Not found: "nope"']);
  });

  it('wants requests at most limits', () => {
    const errs = errors({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1000m' } } }] });
    assert.deepEqual(errs, ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']);
  });
});

describe('pods: update', () => {
  const old = created({ containers: [{ name: 'a', image: 'nginx:1.26' }], nodeName: 'n1' });
  const update = (change: (spec: any) => void) => {
    const next = structuredClone(old);
    change(next.spec);
    pods.defaults!(next);
    return pods.validateUpdate!(next, old).map((e) => `${e.field}: ${e.message}`);
  };

  it('allows image changes and added tolerations', () => {
    assert.deepEqual(update((s) => (s.containers[0].image = 'nginx:1.27')), []);
    assert.deepEqual(update((s) => s.tolerations.push({ key: 'k', operator: 'Exists' })), []);
    assert.deepEqual(update((s) => (s.activeDeadlineSeconds = 60)), []);
  });

  it('forbids other changes', () => {
    const errs = update((s) => (s.containers[0].ports = [{ containerPort: 80 }]));
    assert.equal(errs.length, 1);
    assert.match(errs[0]!, /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
    assert.equal(update((s) => (s.nodeName = 'n2')).length, 1);
    // The admission defaults come back on every write; removing them is not a change.
    assert.equal(update((s) => (s.tolerations = [])).length, 0);
    assert.equal(update((s) => (s.tolerations[0].tolerationSeconds = 600)).length, 1);
  });
});

describe('pods: table', () => {
  const ts = (msAgo: number) => new Date(now - msAgo).toISOString();

  it('shows a crash-looping container', () => {
    const p = created({ containers: [{ name: 'a', image: 'x' }], nodeName: 'node1' });
    p.status = {
      phase: 'Running',
      podIPs: [{ ip: '10.42.0.7' }],
      containerStatuses: [
        {
          name: 'a',
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ts(120_000) } },
        },
      ],
    };
    assert.deepEqual(pods.cells!(p, now), ['web', '0/1', 'CrashLoopBackOff', '3 (2m ago)', '60m', '10.42.0.7', 'node1', '<none>', '<none>']);
  });

  it('shows init progress, completion and termination', () => {
    const p = created({ initContainers: [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'x' }], containers: [{ name: 'a', image: 'x' }] });
    p.status = {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'i1', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'i2', state: { running: {} } },
      ],
      containerStatuses: [{ name: 'a', state: { waiting: { reason: 'PodInitializing' } } }],
    };
    assert.equal(pods.cells!(p, now)[2], 'Init:1/2');
    (p.status as any).initContainerStatuses[1].state = { waiting: { reason: 'CrashLoopBackOff' } };
    assert.equal(pods.cells!(p, now)[2], 'Init:CrashLoopBackOff');
    (p.status as any).initContainerStatuses[1].state = { terminated: { exitCode: 2 } };
    assert.equal(pods.cells!(p, now)[2], 'Init:ExitCode:2');

    const done = created({ containers: [{ name: 'a', image: 'x' }] });
    done.status = { phase: 'Succeeded', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] };
    assert.equal(pods.cells!(done, now)[2], 'Completed');

    const running = created({ containers: [{ name: 'a', image: 'x' }] });
    running.status = { phase: 'Running', containerStatuses: [{ name: 'a', ready: true, state: { running: {} } }] };
    assert.deepEqual(pods.cells!(running, now).slice(1, 4), ['1/1', 'Running', '0']);
    running.metadata.deletionTimestamp = ts(0);
    assert.equal(pods.cells!(running, now)[2], 'Terminating');
    (running.status as any).reason = 'NodeLost';
    assert.equal(pods.cells!(running, now)[2], 'Unknown');
  });

  it('counts readiness gates', () => {
    const p = created({ containers: [{ name: 'a', image: 'x' }], readinessGates: [{ conditionType: 'example.com/lb' }] });
    (p.status as any).conditions = [{ type: 'example.com/lb', status: 'True' }];
    assert.equal(pods.cells!(p, now)[8], '1/1');
  });
});

describe('pods: field selectors and deletion', () => {
  it('exposes the Kubernetes pod fields', () => {
    const p = created({ containers: [{ name: 'a', image: 'x' }], nodeName: 'n1' });
    const f = pods.fieldSelectors!;
    assert.equal(f['spec.nodeName']!(p), 'n1');
    assert.equal(f['status.phase']!(p), 'Pending');
    assert.equal(f['spec.hostNetwork']!(p), 'false');
    assert.equal(f['spec.serviceAccountName']!(p), 'default');
  });

  it('waits for the grace period only for scheduled, running pods', () => {
    const p = created({ containers: [{ name: 'a', image: 'x' }] });
    assert.equal(pods.gracePeriodSeconds!(p, undefined), 0);
    (p.spec as any).nodeName = 'n1';
    assert.equal(pods.gracePeriodSeconds!(p, undefined), 30);
    assert.equal(pods.gracePeriodSeconds!(p, 5), 5);
  });
});
