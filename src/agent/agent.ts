import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { KubeObject } from '../api/types.js';
import { EventRecorder } from '../client/event-recorder.js';
import { Informer } from '../client/informer.js';
import { restListWatch, type RestClient } from '../client/rest-client.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { agentDirs, type AgentConfig } from './config.js';
import { restEnvSources } from './env-sources.js';
import type { ImageService } from './images/image-service.js';
import { LocalImageService } from './images/local-image-service.js';
import type { NodeCredentials } from './join/node-credentials.js';
import { gatherNodeFacts, type NodeFacts } from './node/node-info.js';
import { NodeRegistrar } from './node/node-registrar.js';
import { PodEvents } from './pods/pod-events.js';
import { PodManager } from './pods/pod-manager.js';
import { PodPaths } from './pods/pod-paths.js';
import { PodSyncer } from './pods/pod-sync.js';
import { StatusManager } from './pods/status-manager.js';
import { detectCgroupLayout } from './runtime/cgroups.js';
import type { PodNetwork } from './runtime/pod-network.js';
import { RuncRuntime } from './runtime/runc-runtime.js';
import { AgentServer } from './server/agent-server.js';
import { SummaryProvider } from './stats/summary.js';
import type { EvictionManager } from './eviction/eviction-manager.js';
import { nodeEvictionManager } from './eviction/node-eviction.js';
import { resolveResourceFlags } from './node/resource-flags.js';
import { podsAllocatable, updateQosCgroups } from './runtime/qos-cgroups.js';
import { cpus, totalmem } from 'node:os';
import { StreamingRoutes } from './server/streaming-routes.js';
import { LogAttacher } from './streaming/log-attacher.js';
import { NetnsDialer } from './streaming/netns-dialer.js';
import { OciExecRunner } from './streaming/oci-exec-runner.js';
import { RuntimeTargets } from './streaming/runtime-targets.js';
import { OciCli } from './runtime/oci-cli.js';
import { ProbeManager } from './probes/probe-manager.js';
import { startAgentVolumes } from './volumes/agent-volumes.js';

export interface AgentDeps {
  /** The API server, authenticated as `system:node:<name>`. */
  client: RestClient;
  credentials: NodeCredentials;
  images?: ImageService;
  /** Builds the pod network once the Node is registered (its podCIDR known); loopback only without. */
  network?: (node: KubeObject) => Promise<PodNetwork | undefined>;
  clock?: Clock;
  log: Logger;
}

/** What `k8ts reset` reads back to find the agent's containers, cgroups and mounts. */
export interface AgentSettingsFile {
  runtime: string;
  runtimeRoot: string;
  cgroupRoot: string;
  dataDir: string;
}

/**
 * The k8ts node agent (kubelet + runtime): registers the Node and its Lease, serves logs,
 * and runs the pods bound to the node as runc containers. Stopping it leaves containers
 * running; the next start re-adopts them.
 *
 * @example
 * const agent = new Agent(config, { client, credentials, log });
 * await agent.start();
 */
export class Agent {
  private runtime?: RuncRuntime;
  private eviction?: EvictionManager;
  private server?: AgentServer;
  private registrar?: NodeRegistrar;
  private pods?: PodManager;
  private recorder?: EventRecorder;
  private services?: Informer;
  private probes?: ProbeManager;
  private volumes?: { stop(): void };
  port = 0;

  constructor(
    readonly config: AgentConfig,
    private readonly deps: AgentDeps,
  ) {}

  async start(): Promise<void> {
    const { config, deps } = this;
    const clock = deps.clock ?? systemClock;
    const dirs = agentDirs(config.dataDir);
    await mkdir(dirs.pods, { recursive: true, mode: 0o700 });
    await mkdir(dirs.logs, { recursive: true });
    const settings: AgentSettingsFile = { runtime: config.runtime, runtimeRoot: config.runtimeRoot, cgroupRoot: config.cgroupRoot, dataDir: config.dataDir };
    await writeFile(dirs.settings, JSON.stringify(settings, null, 2));

    const images = deps.images ?? (await LocalImageService.open({ agentDataDir: config.dataDir }));
    const cgroups = detectCgroupLayout();
    const runtime = new RuncRuntime({
      runtime: config.runtime,
      root: config.runtimeRoot,
      stateDir: dirs.pods,
      cgroups,
      logRotation: { maxBytes: config.containerLogMaxSize, maxFiles: config.containerLogMaxFiles },
      log: deps.log,
    });
    await runtime.init();
    this.runtime = runtime;
    const runtimeVersion = await runtime.version();

    const statuses = new StatusManager(deps.client, deps.log);
    let pods: PodManager | undefined;
    const resources = resolveResourceFlags(config.resources);
    const summary = new SummaryProvider({ nodeName: config.nodeName, layout: cgroups, cgroupRoot: config.cgroupRoot, dataDir: config.dataDir, pods: () => pods?.list() ?? [], containers: () => runtime.list() });
    // Shared by kubectl exec / port-forward and by probes and lifecycle hooks.
    const exec = new OciExecRunner(new OciCli(config.runtime, config.runtimeRoot, cgroups.hybrid));
    const dialer = new NetnsDialer();
    const server = new AgentServer({
      credentials: deps.credentials,
      streaming: new StreamingRoutes({
        targets: new RuntimeTargets(runtime),
        exec,
        attach: new LogAttacher(runtime),
        ports: dialer,
        log: deps.log,
      }),
      port: config.kubeletPort,
      runtime,
      stats: summary,
      log: deps.log,
      pods: {
        pod: (ns, name) => pods?.pod(ns, name),
        status: (pod) => (statuses.lastWritten(pod.metadata.uid!) as Record<string, unknown> | undefined) ?? (pod.status as Record<string, unknown>),
        list: () => pods?.list() ?? [],
      },
    });
    this.server = server;
    this.port = await server.listen();

    let facts: NodeFacts = gatherNodeFacts({ dataDir: config.dataDir, runtimeVersion, maxPods: config.maxPods, nodeIP: config.nodeIP, hostnameOverride: config.nodeName, reservations: { kubeReserved: resources.kubeReserved, systemReserved: resources.systemReserved, evictionHard: resources.thresholds } });
    const refreshFacts = () => (facts = gatherNodeFacts({ dataDir: config.dataDir, runtimeVersion, maxPods: config.maxPods, nodeIP: config.nodeIP, hostnameOverride: config.nodeName, reservations: { kubeReserved: resources.kubeReserved, systemReserved: resources.systemReserved, evictionHard: resources.thresholds } }));
    const recorder = new EventRecorder(deps.client, { component: 'kubelet', host: config.nodeName }, clock, deps.log);
    this.recorder = recorder;
    const registrar = new NodeRegistrar({
      client: deps.client,
      name: config.nodeName,
      facts: () => facts,
      kubeletPort: this.port,
      images: async () => (await images.listImages()).slice(0, 50).map((i) => ({ names: [i.imageID, i.ref], sizeBytes: i.size })),
      controlPlane: config.controlPlane,
      recorder,
      clock,
      pressure: () => this.eviction?.conditions(),
      log: deps.log,
    });
    this.registrar = registrar;
    const node = await registrar.register();
    registrar.start();
    setInterval(refreshFacts, 60_000).unref();

    const network = await deps.network?.(node);
    if (network) runtime.setNetwork(network);
    const hostResolvConf = await readFile(config.resolvConf, 'utf8').catch(() => '');
    // Services, for the variables every container gets (KUBERNETES_SERVICE_HOST, …).
    const services = new Informer(restListWatch(deps.client, '/api/v1/services'), deps.log);
    await services.start();
    this.services = services;
    const volumes = startAgentVolumes({ client: deps.client, podsDir: dirs.pods, allocatable: () => facts.allocatable, host: runtime.host, clock, log: deps.log });
    this.volumes = volumes;
    const events = new PodEvents(recorder);
    // Probes dial pod IPs from the node's network namespace (--node-netns, else the agent's own).
    const actions = { exec, dialer, nodeNetnsPath: config.network?.nodeNetns ? `/var/run/netns/${config.network.nodeNetns}` : '' };
    const probes = new ProbeManager({ env: actions, events, log: deps.log });
    this.probes = probes;
    const syncer = new PodSyncer({
      actions,
      probes,
      volumes: volumes.manager,
      runtime,
      images,
      events,
      envSources: restEnvSources(deps.client),
      node: {
        name: config.nodeName,
        hostIPs: () => facts.addresses.filter((a) => a.type === 'InternalIP').map((a) => a.address),
        allocatable: () => facts.allocatable,
        memoryCapacityBytes: () => facts.memoryBytes,
      },
      paths: new PodPaths(dirs.pods, dirs.logs),
      cgroupRoot: config.cgroupRoot,
      podPidsLimit: resources.podPidsLimit,
      dns: { clusterDNS: config.clusterDNS, clusterDomain: config.clusterDomain, hostResolvConf },
      services: () => services.list(),
      clock,
      log: deps.log,
    });
    pods = new PodManager({ client: deps.client, nodeName: config.nodeName, runtime, syncer, statuses, log: deps.log, admit: (pod) => this.eviction?.admit(pod) ?? { admit: true } });
    this.pods = pods;
    probes.onChange((uid) => pods?.wake(uid));
    volumes.manager.onPodReady((uid) => pods?.wake(uid));
    await pods.start();
    this.eviction = nodeEvictionManager({
      nodeName: config.nodeName,
      thresholds: resources.thresholds,
      transitionPeriodMs: resources.evictionPressureTransitionPeriodMs,
      layout: cgroups,
      dataDir: config.dataDir,
      paths: new PodPaths(dirs.pods, dirs.logs),
      runtime,
      summary,
      pods,
      event: (ref, type, reason, message) => recorder.event(ref, type, reason, message),
      log: deps.log,
    });
    // Pressure changes reach the Node at once, not at the next status check.
    // The QoS cgroups follow the pods (the kubelet's QoS container manager), on the same beat.
    const qosAllocatable = podsAllocatable({ cpuCores: cpus().length, memoryBytes: totalmem() }, resources.kubeReserved, resources.systemReserved);
    this.eviction.start(10_000, () => {
      void registrar.reportStatus(false).catch(() => undefined);
      try {
        updateQosCgroups(cgroups, config.cgroupRoot, pods?.list() ?? [], qosAllocatable);
      } catch (err) {
        deps.log.warn({ err }, 'updating QoS cgroups failed');
      }
    });
    // Addresses a crashed agent left allocated for pods that are gone.
    await network?.garbageCollect?.(new Set(pods.list().map((p) => p.metadata.uid!))).catch((err) => deps.log.warn({ err }, 'pod network garbage collection failed'));
    deps.log.info({ node: config.nodeName, port: this.port, runtime: runtimeVersion }, 'k8ts agent ready');
  }

  /** Stops watching and serving; containers keep running for the next start to adopt. */
  async stop(): Promise<void> {
    this.eviction?.stop();
    this.pods?.stop();
    this.probes?.stop();
    this.services?.stop();
    this.volumes?.stop();
    this.registrar?.stop();
    await this.server?.close();
    await this.recorder?.flush();
    await this.runtime?.close();
  }
}
