/** Live objects as the apiserver stores them (defaults filled in), for the strategic merge tests. */

type JsonObject = Record<string, unknown>;

export const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };
export const SERVICE = { group: '', version: 'v1', kind: 'Service' };
export const NODE = { group: '', version: 'v1', kind: 'Node' };

export function deployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: '6b1d7a52-2f4e-4c1a-9d55-1f0c8b7e0a11',
      resourceVersion: '1042',
      generation: 3,
      labels: { app: 'web' },
      annotations: {
        'deployment.kubernetes.io/revision': '2',
        'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"apps/v1","kind":"Deployment"}\n',
      },
    },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.26',
              args: ['-g', 'daemon off;'],
              ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
              env: [
                { name: 'MODE', value: 'prod' },
                { name: 'LOG_LEVEL', value: 'info' },
              ],
              volumeMounts: [
                { name: 'data', mountPath: '/data' },
                { name: 'config', mountPath: '/etc/web', readOnly: true },
              ],
              resources: { limits: { memory: '128Mi' } },
              imagePullPolicy: 'IfNotPresent',
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            },
            {
              name: 'sidecar',
              image: 'busybox:1.36',
              command: ['sh', '-c', 'tail -F /data/access.log'],
              env: [{ name: 'TARGET', value: '/data/access.log' }],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
              resources: {},
              imagePullPolicy: 'IfNotPresent',
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            },
          ],
          volumes: [
            { name: 'data', emptyDir: {} },
            { name: 'config', configMap: { name: 'web-config', defaultMode: 420 } },
          ],
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
          schedulerName: 'default-scheduler',
          securityContext: {},
        },
      },
    },
    status: {
      observedGeneration: 3,
      replicas: 2,
      readyReplicas: 2,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    },
  };
}

export function service(): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', uid: 'a7f3c0de-0000-4000-8000-000000000001', resourceVersion: '77' },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.43.0.17',
      clusterIPs: ['10.43.0.17'],
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
      ],
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    },
    status: { loadBalancer: {} },
  };
}

export function node(): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'worker-1', uid: 'c0ffee00-0000-4000-8000-000000000002', labels: { 'kubernetes.io/hostname': 'worker-1' } },
    spec: {
      podCIDR: '10.42.1.0/24',
      podCIDRs: ['10.42.1.0/24'],
      taints: [{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }],
    },
    status: {
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '7Gi', pods: '110' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: '2025-06-01T10:00:00Z', reason: 'KubeletHasSufficientMemory' },
        { type: 'DiskPressure', status: 'True', lastHeartbeatTime: '2025-06-01T10:00:00Z', reason: 'KubeletHasDiskPressure' },
        { type: 'Ready', status: 'True', lastHeartbeatTime: '2025-06-01T10:00:00Z', reason: 'KubeletReady' },
      ],
      addresses: [
        { type: 'InternalIP', address: '192.168.1.21' },
        { type: 'Hostname', address: 'worker-1' },
      ],
      nodeInfo: { kubeletVersion: 'v1.33.0-k8ts' },
    },
  };
}

/** The value at a dotted path (`spec.template.spec.containers.0.image`). */
export function at(value: unknown, path: string): unknown {
  let cur = value;
  for (const part of path.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[part];
  return cur;
}

/** Sets the value at a dotted path of an object built by one of the fixtures. */
export function put(obj: JsonObject, path: string, value: unknown): void {
  const parts = path.split('.');
  const last = parts.pop()!;
  const parent = parts.length > 0 ? at(obj, parts.join('.')) : obj;
  (parent as Record<string, unknown>)[last] = value;
}
