/**
 * Test support: rich objects in the exact JSON form a Go API server prints (Go's
 * encoding/json rules applied to the typed structs), so encode→decode must return them unchanged.
 */
type Obj = Record<string, unknown>;

const meta = (name: string, extra: Obj = {}): Obj => ({
  name,
  namespace: 'default',
  uid: `uid-${name}`,
  resourceVersion: '1042',
  generation: 3,
  creationTimestamp: '2024-01-02T03:04:05Z',
  labels: { app: 'web', 'app.kubernetes.io/part-of': 'shop' },
  annotations: { note: 'hello' },
  ...extra,
});

const container = (name: string): Obj => ({
  name,
  image: 'nginx:1.27',
  command: ['nginx'],
  args: ['-g', 'daemon off;'],
  workingDir: '/srv',
  ports: [
    { name: 'http', containerPort: 80, protocol: 'TCP' },
    { containerPort: 9090, hostPort: 19090, hostIP: '0.0.0.0', protocol: 'UDP' },
  ],
  envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'cfg', optional: true } }],
  env: [
    { name: 'PLAIN', value: 'v' },
    { name: 'EMPTY' },
    { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    { name: 'MEM', valueFrom: { resourceFieldRef: { containerName: name, resource: 'limits.memory', divisor: '1Mi' } } },
    { name: 'PASS', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: false } } },
  ],
  resources: {
    limits: { cpu: '500m', memory: '128Mi', 'nvidia.com/gpu': '1' },
    requests: { cpu: '250m', memory: '64Mi', 'ephemeral-storage': '1G' },
  },
  volumeMounts: [
    { name: 'data', mountPath: '/data', subPath: 'x' },
    { name: 'cfg', readOnly: true, mountPath: '/etc/cfg', mountPropagation: 'None' },
  ],
  livenessProbe: {
    httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: '1' }] },
    initialDelaySeconds: 5,
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
    terminationGracePeriodSeconds: 0,
  },
  readinessProbe: { tcpSocket: { port: 80 }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 },
  startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 30 },
  lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { httpGet: { path: '/started', port: 8080, host: 'localhost' } } },
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  imagePullPolicy: 'IfNotPresent',
  securityContext: {
    capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
    privileged: false,
    runAsUser: 1000,
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    seccompProfile: { type: 'RuntimeDefault' },
  },
  stdin: true,
  tty: true,
});

export const pod: Obj = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: meta('web-0', {
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4f', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }],
    finalizers: ['example.com/keep'],
    managedFields: [{
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2024-01-02T03:04:05Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
    }],
    deletionTimestamp: '2024-01-03T00:00:00Z',
    deletionGracePeriodSeconds: 30,
  }),
  spec: {
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } },
      { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'a', path: 'a.txt', mode: 420 }], defaultMode: 420 } },
      { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
      { name: 'sec', secret: { secretName: 'db', defaultMode: 256, optional: true } },
      {
        name: 'kube-api-access',
        projected: {
          sources: [
            { serviceAccountToken: { audience: 'api', expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
          defaultMode: 420,
        },
      },
    ],
    initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'], resources: {}, restartPolicy: 'Always' }],
    containers: [container('web')],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    activeDeadlineSeconds: 600,
    dnsPolicy: 'ClusterFirst',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    serviceAccountName: 'default',
    serviceAccount: 'default',
    automountServiceAccountToken: false,
    nodeName: 'node-1',
    hostNetwork: true,
    shareProcessNamespace: true,
    securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000], sysctls: [{ name: 'net.ipv4.ip_forward', value: '1' }] },
    imagePullSecrets: [{ name: 'regcred' }],
    hostname: 'web-0',
    subdomain: 'web',
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node-2'] }] } }],
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' },
        }],
      },
    },
    schedulerName: 'default-scheduler',
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
    ],
    hostAliases: [{ ip: '10.0.0.1', hostnames: ['db.local'] }],
    priorityClassName: 'high',
    priority: 0,
    dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.local'], options: [{ name: 'ndots', value: '2' }] },
    readinessGates: [{ conditionType: 'example.com/ready' }],
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    overhead: { cpu: '10m' },
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, minDomains: 2 }],
    schedulingGates: [{ name: 'example.com/gate' }],
  },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-01-02T03:05:00Z' },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-01-02T03:04:06Z', reason: 'Scheduled' },
    ],
    hostIP: '192.168.1.10',
    hostIPs: [{ ip: '192.168.1.10' }],
    podIP: '10.244.0.5',
    podIPs: [{ ip: '10.244.0.5' }, { ip: 'fd00::5' }],
    startTime: '2024-01-02T03:04:06Z',
    initContainerStatuses: [{
      name: 'init',
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2024-01-02T03:04:07Z', finishedAt: '2024-01-02T03:04:08Z', containerID: 'containerd://i' } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: 'busybox:latest',
      imageID: 'docker.io/library/busybox@sha256:abc',
      containerID: 'containerd://i',
      started: false,
    }],
    containerStatuses: [{
      name: 'web',
      state: { running: { startedAt: '2024-01-02T03:04:09Z' } },
      lastState: { terminated: { exitCode: 137, signal: 9, reason: 'OOMKilled', message: 'oom', startedAt: null, finishedAt: '2024-01-02T03:04:08Z' } },
      ready: true,
      restartCount: 2,
      image: 'nginx:1.27',
      imageID: 'docker.io/library/nginx@sha256:def',
      containerID: 'containerd://w',
      started: true,
      allocatedResources: { cpu: '250m' },
      resources: { requests: { cpu: '250m' } },
    }],
    qosClass: 'Burstable',
  },
};

export const deployment: Obj = {
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  metadata: meta('web', { annotations: { 'deployment.kubernetes.io/revision': '2' } }),
  spec: {
    replicas: 0,
    selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] },
    template: {
      metadata: { creationTimestamp: null, labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx', resources: {} }], restartPolicy: 'Always' },
    },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
    minReadySeconds: 5,
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  },
  status: {
    observedGeneration: 3,
    replicas: 2,
    updatedReplicas: 2,
    readyReplicas: 2,
    availableReplicas: 2,
    conditions: [{
      type: 'Available',
      status: 'True',
      lastUpdateTime: '2024-01-02T03:04:05Z',
      lastTransitionTime: '2024-01-02T03:04:05Z',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    }],
  },
};

export const service: Obj = {
  kind: 'Service',
  apiVersion: 'v1',
  metadata: meta('web'),
  spec: {
    ports: [
      { name: 'http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 30080 },
      { name: 'metrics', protocol: 'TCP', appProtocol: 'http', port: 9090, targetPort: 9090 },
    ],
    selector: { app: 'web' },
    clusterIP: '10.96.0.10',
    clusterIPs: ['10.96.0.10'],
    type: 'NodePort',
    sessionAffinity: 'ClientIP',
    externalTrafficPolicy: 'Cluster',
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    internalTrafficPolicy: 'Cluster',
  },
  status: { loadBalancer: { ingress: [{ ip: '203.0.113.5', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }] }] } },
};

export const node: Obj = {
  kind: 'Node',
  apiVersion: 'v1',
  metadata: { name: 'node-1', uid: 'n1', resourceVersion: '99', creationTimestamp: '2024-01-01T00:00:00Z', labels: { 'kubernetes.io/hostname': 'node-1' } },
  spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'], unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: '2024-01-01T00:01:00Z' }] },
  status: {
    capacity: { cpu: '4', memory: '16374256Ki', pods: '110', 'hugepages-2Mi': '0' },
    allocatable: { cpu: '3800m', memory: '15e9', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2024-01-02T03:04:05Z', lastTransitionTime: '2024-01-01T00:00:10Z', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    addresses: [{ type: 'InternalIP', address: '192.168.1.10' }, { type: 'Hostname', address: 'node-1' }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12', containerRuntimeVersion: 'containerd://1.7.0',
      kubeletVersion: 'v1.33.1', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64', swap: { capacity: 0 },
    },
    images: [{ names: ['docker.io/library/nginx@sha256:def', 'docker.io/library/nginx:1.27'], sizeBytes: 72099410944 }],
    volumesInUse: ['kubernetes.io/csi/x'],
    volumesAttached: [{ name: 'kubernetes.io/csi/x', devicePath: '' }],
    runtimeHandlers: [{ name: 'runc', features: { recursiveReadOnlyMounts: true, userNamespaces: false } }],
    features: { supplementalGroupsPolicy: true },
  },
};

export const endpointSlice: Obj = {
  kind: 'EndpointSlice',
  apiVersion: 'discovery.k8s.io/v1',
  metadata: meta('web-abc12', { generateName: 'web-', ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc', controller: true, blockOwnerDeletion: true }] }),
  addressType: 'IPv4',
  endpoints: [
    {
      addresses: ['10.244.0.5'],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'uid-web-0' },
      nodeName: 'node-1',
      zone: 'a',
      hints: { forZones: [{ name: 'a' }] },
    },
    { addresses: ['10.244.0.6'], conditions: {} },
  ],
  ports: [{ name: 'http', protocol: 'TCP', port: 80, appProtocol: 'http' }, { name: '', protocol: 'UDP', port: 0 }],
};

export const coreEvent: Obj = {
  kind: 'Event',
  apiVersion: 'v1',
  metadata: { name: 'web-0.17a', namespace: 'default', uid: 'e1', resourceVersion: '1043', creationTimestamp: '2024-01-02T03:04:05Z' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'uid-web-0', apiVersion: 'v1', resourceVersion: '1040', fieldPath: 'spec.containers{web}' },
  reason: 'Pulled',
  message: 'Successfully pulled image "nginx"',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: '2024-01-02T03:04:05Z',
  lastTimestamp: '2024-01-02T03:09:05Z',
  count: 3,
  type: 'Normal',
  eventTime: '2024-01-02T03:04:05.123456Z',
  series: { count: 2, lastObservedTime: '2024-01-02T03:09:05.000001Z' },
  action: 'Pull',
  reportingComponent: 'kubelet',
  reportingInstance: 'node-1',
};

export const eventsV1Event: Obj = {
  kind: 'Event',
  apiVersion: 'events.k8s.io/v1',
  metadata: { name: 'web-0.17b', namespace: 'default', creationTimestamp: null },
  eventTime: '2024-01-02T03:04:05.000000Z',
  series: { count: 4, lastObservedTime: '2024-01-02T03:04:09.500000Z' },
  reportingController: 'example.com/ctl',
  reportingInstance: 'ctl-1',
  action: 'Sync',
  reason: 'Synced',
  regarding: { kind: 'Deployment', namespace: 'default', name: 'web', apiVersion: 'apps/v1' },
  note: 'synced',
  type: 'Normal',
  deprecatedSource: {},
  deprecatedFirstTimestamp: null,
  deprecatedLastTimestamp: null,
};

export const status: Obj = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
  reason: 'Invalid',
  details: {
    name: 'web',
    group: 'apps',
    kind: 'Deployment',
    causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }],
    retryAfterSeconds: 2,
  },
  code: 422,
};

export const podList: Obj = {
  kind: 'PodList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '2000', continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ', remainingItemCount: 7 },
  items: [
    (({ kind: _k, apiVersion: _a, ...rest }) => rest)(pod),
    { metadata: { name: 'tiny', namespace: 'default', creationTimestamp: null }, spec: { containers: [{ name: 'c', image: 'busybox', resources: {} }] }, status: {} },
  ],
};

export const secret: Obj = {
  kind: 'Secret',
  apiVersion: 'v1',
  metadata: meta('db'),
  immutable: true,
  data: { password: 'czNjcjN0', empty: '', binary: '/wABAgP+' },
  type: 'Opaque',
};

export const configMap: Obj = {
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: meta('cfg'),
  data: { 'a.txt': 'line 1\nline 2 ✓', empty: '' },
  binaryData: { 'logo.png': 'iVBORw0KGgo=' },
};

export const lease: Obj = {
  kind: 'Lease',
  apiVersion: 'coordination.k8s.io/v1',
  metadata: { name: 'node-1', namespace: 'kube-node-lease', uid: 'l1', resourceVersion: '5', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, acquireTime: '2024-01-01T00:00:00.000000Z', renewTime: '2024-01-02T03:04:05.654321Z', leaseTransitions: 0 },
};

export const hpaV2: Obj = {
  kind: 'HorizontalPodAutoscaler',
  apiVersion: 'autoscaling/v2',
  metadata: meta('web'),
  spec: {
    scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Pods', pods: { metric: { name: 'qps', selector: { matchLabels: { a: 'b' } } }, target: { type: 'AverageValue', averageValue: '1k' } } },
    ],
    behavior: {
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }] },
    },
  },
  status: {
    lastScaleTime: '2024-01-02T03:04:05Z',
    currentReplicas: 2,
    desiredReplicas: 3,
    currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '120m', averageUtilization: 95 } } }],
    conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2024-01-02T03:04:05Z', reason: 'ReadyForNewScale' }],
  },
};

export const subjectAccessReview: Obj = {
  kind: 'SubjectAccessReview',
  apiVersion: 'authorization.k8s.io/v1',
  metadata: { creationTimestamp: null },
  spec: {
    resourceAttributes: { namespace: 'default', verb: 'get', group: 'apps', resource: 'deployments', subresource: 'scale', name: 'web' },
    user: 'alice',
    groups: ['devs', 'system:authenticated'],
    extra: { 'scopes.example.com': ['read', 'write'], empty: [] },
    uid: 'u-1',
  },
  status: { allowed: true, reason: 'RBAC: allowed by RoleBinding "x"' },
};

export const networkPolicy: Obj = {
  kind: 'NetworkPolicy',
  apiVersion: 'networking.k8s.io/v1',
  metadata: meta('allow-web'),
  spec: {
    podSelector: { matchLabels: { app: 'web' } },
    ingress: [{
      ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 'https' }, { protocol: 'TCP', port: 30000, endPort: 32767 }],
      from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }, { namespaceSelector: {} }],
    }],
    egress: [{}],
    policyTypes: ['Ingress', 'Egress'],
  },
};

export const podDisruptionBudget: Obj = {
  kind: 'PodDisruptionBudget',
  apiVersion: 'policy/v1',
  metadata: meta('web'),
  spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  status: { observedGeneration: 3, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 },
};

export const controllerRevision: Obj = {
  kind: 'ControllerRevision',
  apiVersion: 'apps/v1',
  metadata: meta('web-7b9c'),
  data: { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'web' } } } } },
  revision: 4,
};

export const cronJob: Obj = {
  kind: 'CronJob',
  apiVersion: 'batch/v1',
  metadata: meta('nightly'),
  spec: {
    schedule: '0 3 * * *',
    timeZone: 'Etc/UTC',
    concurrencyPolicy: 'Forbid',
    suspend: false,
    jobTemplate: {
      metadata: { creationTimestamp: null },
      spec: {
        parallelism: 1,
        completions: 1,
        backoffLimit: 6,
        ttlSecondsAfterFinished: 100,
        template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name: 'job', image: 'busybox', resources: {} }], restartPolicy: 'OnFailure' } },
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] },
      },
    },
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 1,
  },
  status: { lastScheduleTime: '2024-01-02T03:00:00Z' },
};

export const clusterRole: Obj = {
  kind: 'ClusterRole',
  apiVersion: 'rbac.authorization.k8s.io/v1',
  metadata: { name: 'view', uid: 'cr', resourceVersion: '1', creationTimestamp: '2024-01-01T00:00:00Z' },
  rules: [
    { verbs: ['get', 'list', 'watch'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments'], resourceNames: ['web'] },
    { verbs: ['get'], nonResourceURLs: ['/healthz'] },
  ],
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-view': 'true' } }] },
};

export const deleteOptions: Obj = {
  kind: 'DeleteOptions',
  apiVersion: 'v1',
  gracePeriodSeconds: 0,
  preconditions: { uid: 'abc', resourceVersion: '5' },
  propagationPolicy: 'Foreground',
  dryRun: ['All'],
};
