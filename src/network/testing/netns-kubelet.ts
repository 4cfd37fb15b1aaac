// Test support: a stand-in kubelet for network tests. It runs the pods bound to one node as
// network namespaces wired by the real CniPodNetwork, with a busybox httpd on each declared
// TCP container port (answering with the pod's name), reports them Running and Ready, and
// tears them down on deletion; it also keeps the node's heartbeat. Everything about the
// network is real; only the containers are stand-ins.
import type { KubeObject } from '../../api/types.js';
import { Informer } from '../../client/informer.js';
import { restListWatch, type RestClient } from '../../client/rest-client.js';
import type { PodNetwork } from '../../agent/network/pod-network.js';
import type { HttpServer, NetnsFixture } from './netns-fixture.js';

interface RunningPod {
  netns: string;
  servers: HttpServer[];
  ip?: string;
}

interface ContainerShape {
  ports?: { containerPort: number; protocol?: string }[];
}

export class NetnsKubelet {
  private readonly pods: Informer;
  private readonly running = new Map<string, RunningPod>();
  private readonly busy = new Map<string, Promise<void>>();
  private heartbeat?: NodeJS.Timeout;
  private count = 0;

  constructor(
    private readonly client: RestClient,
    private readonly fx: NetnsFixture,
    private readonly network: PodNetwork,
    readonly nodeName: string,
    private readonly nodeIP: string,
  ) {
    this.pods = new Informer(restListWatch(client, '/api/v1/pods', { fieldSelector: `spec.nodeName=${nodeName}` }));
  }

  /** Registers the node (Ready, with room for pods) and starts running its pods. */
  async start(): Promise<void> {
    await this.client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: this.nodeName, labels: { 'kubernetes.io/hostname': this.nodeName, 'kubernetes.io/os': 'linux' } } });
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat().catch(() => undefined), 5000);
    const kick = (p: KubeObject) => this.enqueue(p.metadata.uid!, p);
    this.pods.on({ add: kick, update: (_o, p) => kick(p), delete: (p) => this.enqueue(p.metadata.uid!, undefined) });
    await this.pods.start();
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    this.pods.stop();
    await Promise.all(this.busy.values());
  }

  /** Pods (by name) this kubelet runs now, with their addresses. */
  runningPods(): Map<string, string> {
    const out = new Map<string, string>();
    for (const p of this.pods.list()) {
      const r = this.running.get(p.metadata.uid!);
      if (r?.ip) out.set(`${p.metadata.namespace}/${p.metadata.name}`, r.ip);
    }
    return out;
  }

  private async beat(): Promise<void> {
    const now = new Date().toISOString();
    await this.client.patch(`/api/v1/nodes/${this.nodeName}/status`, {
      status: {
        addresses: [{ type: 'InternalIP', address: this.nodeIP }, { type: 'Hostname', address: this.nodeName }],
        capacity: { cpu: '8', memory: '16Gi', pods: '110' },
        allocatable: { cpu: '8', memory: '16Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
      },
    });
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.nodeName, namespace: 'kube-node-lease' }, spec: { holderIdentity: this.nodeName, leaseDurationSeconds: 40, renewTime: now.replace('Z', '000Z') } };
    await this.client.create('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', lease).catch(() =>
      this.client.patch(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${this.nodeName}`, { spec: lease.spec }),
    );
  }

  /** One pod at a time per UID, like kubelet's pod workers. */
  private enqueue(uid: string, pod: KubeObject | undefined): void {
    const prev = this.busy.get(uid) ?? Promise.resolve();
    const next = prev.then(() => this.sync(uid, pod)).catch(() => undefined);
    this.busy.set(uid, next);
    void next.finally(() => this.busy.get(uid) === next && this.busy.delete(uid));
  }

  private async sync(uid: string, pod: KubeObject | undefined): Promise<void> {
    const running = this.running.get(uid);
    if (!pod || pod.metadata.deletionTimestamp) {
      if (running) {
        for (const s of running.servers) s.process.kill('SIGKILL');
        await this.network.tearDown({ podUID: uid, namespace: pod?.metadata.namespace ?? '', name: pod?.metadata.name ?? '', netnsPath: `/var/run/netns/${running.netns}` });
        await this.fx.removeNetns(running.netns);
        this.running.delete(uid);
      }
      if (pod) await this.client.delete(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`, { gracePeriodSeconds: 0, preconditions: { uid } }).catch(() => undefined);
      return;
    }
    if (running) return;
    const netns = await this.fx.netns(`kp${this.count++}`);
    const entry: RunningPod = { netns, servers: [] };
    this.running.set(uid, entry);
    const { ips } = await this.network.setUp({ podUID: uid, namespace: pod.metadata.namespace!, name: pod.metadata.name!, netnsPath: `/var/run/netns/${netns}` });
    entry.ip = ips[0];
    for (const c of ((pod.spec as { containers?: ContainerShape[] }).containers ?? [])) {
      for (const p of c.ports ?? []) if ((p.protocol ?? 'TCP') === 'TCP') entry.servers.push(await this.fx.httpd(netns, p.containerPort, pod.metadata.name!));
    }
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
    await this.client.patch(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, {
      status: { phase: 'Running', hostIP: this.nodeIP, podIP: entry.ip, podIPs: [{ ip: entry.ip }], startTime: now, conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(cond) },
    });
  }
}
