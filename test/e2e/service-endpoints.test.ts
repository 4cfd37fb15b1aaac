// Endpoints and EndpointSlices of a Service follow its pods' readiness, seen with the real
// kubectl against `k8ts server --simulate-nodes`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl } from '../support/kubectl.js';
import { waitFor } from '../support/wait-for.js';

let server: TestServer;
let k: Kubectl;
const ns = 'svc';

before(async () => {
  server = await startK8ts({ extraArgs: ['--simulate-nodes', '2'] });
  k = new Kubectl('1.33', server.kubeconfig);
  await k.ok(['create', 'namespace', ns]);
});
after(async () => {
  await server?.cleanup();
});

const until = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000) => waitFor(what, check, timeoutMs, 50);

const json = async (args: string[]) => JSON.parse(await k.ok([...args, '-o', 'json']));

/** Plays the kubelet of a pod: Running with an IP, Ready or not (status subresource, via kubectl). */
async function kubelet(pod: string, ip: string, ready: boolean): Promise<void> {
  const status = { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] };
  await k.ok(['patch', 'pod', pod, '-n', ns, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
}

interface Subset {
  addresses?: { ip: string; nodeName?: string; targetRef: { name: string } }[];
  notReadyAddresses?: { ip: string; targetRef: { name: string } }[];
  ports?: { name?: string; port: number; protocol: string }[];
}

test('Endpoints and EndpointSlices of a Service follow pod readiness, with named target ports', async () => {
  await k.ok(['apply', '-f', '-'], {
    input: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ${ns}}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      schedulerName: manual
      containers:
      - name: api
        image: nginx:1.27
        ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: ${ns}}
spec:
  selector: {app: api}
  ports: [{name: web, port: 80, targetPort: http}]
`,
  });
  // No scheduler serves "manual": the pods stay off the simulated nodes, and the test, as their
  // kubelet, decides when they are ready.
  const pods = await until('3 pods', async () => {
    const list = (await json(['get', 'pods', '-n', ns, '-l', 'app=api'])).items as { metadata: { name: string } }[];
    return list.length === 3 && list;
  });
  for (const [i, p] of pods.entries()) await kubelet(p.metadata.name, `10.42.9.${i + 1}`, true);
  await k.ok(['rollout', 'status', 'deployment/api', '-n', ns, '--timeout=60s']);
  const ready = await until('3 ready addresses', async () => {
    const ep = await json(['get', 'endpoints', 'api', '-n', ns]);
    const s = (ep.subsets ?? []) as Subset[];
    return s.length === 1 && s[0]!.addresses?.length === 3 && !s[0]!.notReadyAddresses && s[0]!;
  });
  assert.deepEqual(ready.ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
  const table = await k.ok(['get', 'endpoints', 'api', '-n', ns]);
  assert.match(table, /^api\s+(\d+\.\d+\.\d+\.\d+:8080,){2}\d+\.\d+\.\d+\.\d+:8080\s+\d+s$/m);

  // The kubelet reports one pod unready: it moves to notReadyAddresses, and its slice endpoint flips.
  const victim = ready.addresses![0]!.targetRef.name;
  await kubelet(victim, ready.addresses![0]!.ip, false);
  const split = await until('the unready pod to move', async () => {
    const s = ((await json(['get', 'endpoints', 'api', '-n', ns])).subsets ?? []) as Subset[];
    return s[0]?.notReadyAddresses?.length === 1 && s[0];
  });
  assert.equal(split.notReadyAddresses![0]!.targetRef.name, victim);
  assert.equal(split.addresses!.length, 2);
  const slices = await until('the slice to follow', async () => {
    const list = await json(['get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=api']);
    const eps = list.items.flatMap((s: { endpoints?: unknown[] }) => s.endpoints ?? []) as { targetRef: { name: string }; conditions: { ready: boolean } }[];
    const v = eps.find((e) => e.targetRef.name === victim);
    return eps.length === 3 && v && v.conditions.ready === false && list.items;
  });
  assert.equal(slices.length, 1);
  assert.equal(slices[0].metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  assert.deepEqual(slices[0].ports, [{ name: 'web', protocol: 'TCP', port: 8080 }]);
  const sliceTable = await k.ok(['get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=api']);
  assert.match(sliceTable, /^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE\napi-[a-z0-9]{5}\s+IPv4\s+8080\s+/);

  // Ready again: back among the addresses. Scaled to one: the others leave.
  await kubelet(victim, ready.addresses![0]!.ip, true);
  await until('all ready again', async () => {
    const s = ((await json(['get', 'endpoints', 'api', '-n', ns])).subsets ?? []) as Subset[];
    return s[0]?.addresses?.length === 3 && !s[0].notReadyAddresses;
  });
  await k.ok(['scale', 'deployment', 'api', '-n', ns, '--replicas=1']);
  await until('two addresses to leave', async () => {
    const s = ((await json(['get', 'endpoints', 'api', '-n', ns])).subsets ?? []) as Subset[];
    return s[0]?.addresses?.length === 1;
  });

  // Deleting the Service removes its Endpoints and (by owner reference) its slices.
  await k.ok(['delete', 'service', 'api', '-n', ns]);
  await until('endpoints and slices to go', async () => {
    const ep = await k.run(['get', 'endpoints', 'api', '-n', ns]);
    const sl = await json(['get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=api']);
    return ep.code !== 0 && sl.items.length === 0;
  });
});

test('publishNotReadyAddresses publishes pods before they are ready', async () => {
  await k.ok(['apply', '-f', '-'], {
    input: `apiVersion: v1
kind: Service
metadata: {name: peers, namespace: ${ns}}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: {app: peers}
  ports: [{port: 7000}]
`,
  });
  await k.ok(['run', 'peer-0', '-n', ns, '--image=busybox:1.36', '--labels=app=peers', '--overrides={"spec":{"schedulerName":"manual"}}']);
  await kubelet('peer-0', '10.42.9.100', false);
  const ep = await until('the unready pod to be published', async () => {
    const e = await json(['get', 'endpoints', 'peers', '-n', ns]);
    const s = (e.subsets ?? []) as Subset[];
    const pod = await json(['get', 'pod', 'peer-0', '-n', ns]);
    const notReady = pod.status.conditions.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'False');
    return notReady && s[0]?.addresses?.length === 1 && e;
  });
  assert.equal(ep.metadata.labels['service.kubernetes.io/headless'], '');
  assert.equal(ep.subsets[0].notReadyAddresses, undefined);
});
