import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { fieldValidationErrors, handleFieldValidation, parseFieldValidation, pruneUnknownFields, warningHeaderValue } from './field-validation.js';
import { SchemaRegistry } from './schema-registry.js';

/** A Deployment as people write them, every field known. */
function deployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      labels: { app: 'web', 'app.kubernetes.io/part-of': 'shop' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"whatever":1}\n', 'anything.example.com/x': 'y' },
      finalizers: ['example.com/keep'],
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-1', controller: true }],
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }],
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe'] }] },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { 'prometheus.io/scrape': 'true' } },
        spec: {
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
          affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } }] } },
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          volumes: [
            { name: 'cfg', configMap: { name: 'web-config', items: [{ key: 'a', path: 'a.txt' }] } },
            { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
          ],
          initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'] }],
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [
                { name: 'MODE', value: 'fast' },
                { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'pw', optional: true } } },
              ],
              envFrom: [{ configMapRef: { name: 'web-config' } }],
              resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 0.1 } },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X', value: 'y' }] }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 3 },
              lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
              volumeMounts: [{ name: 'cfg', mountPath: '/etc/web', readOnly: true }],
              securityContext: { capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false },
            },
          ],
        },
      },
    },
    status: { replicas: 3, conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2024-01-01T00:00:00Z' }] },
  };
}

describe('fieldValidationErrors', () => {
  test('a realistic Deployment has no unknown fields', () => {
    assert.deepEqual(fieldValidationErrors(deployment(), 'apps/v1', 'Deployment'), []);
  });

  test('misspellings are reported with dotted paths and list indexes, in document order', () => {
    const d = deployment();
    d.spec.replicaz = 2;
    d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    d.spec.template.spec.containers[0].env[1].valueFrom.fieldRef.fieldPaht = 'x';
    d.spec.template.spec.volumes[1].emptyDir.sizeLimitt = '1Gi';
    d.metadata.ownerReferences[0].controler = true;
    d.spec.strategy.rollingUpdate.maxSurgee = 1;
    d.bogus = null;
    assert.deepEqual(fieldValidationErrors(d, 'apps/v1', 'Deployment'), [
      'unknown field "metadata.ownerReferences[0].controler"',
      'unknown field "spec.strategy.rollingUpdate.maxSurgee"',
      'unknown field "spec.template.spec.volumes[1].emptyDir.sizeLimitt"',
      'unknown field "spec.template.spec.containers[0].env[1].valueFrom.fieldRef.fieldPaht"',
      'unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
      'unknown field "spec.replicaz"',
      'unknown field "bogus"',
    ]);
  });

  test('pruneUnknownFields drops what it reports, as decoding into Go types does', () => {
    const d = deployment();
    d.spec.replicaz = 2;
    d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    const clean = deployment();
    assert.deepEqual(pruneUnknownFields(d, 'apps/v1', 'Deployment'), ['unknown field "spec.template.spec.containers[0].imagePullPolicyy"', 'unknown field "spec.replicaz"']);
    assert.deepEqual(d, clean);
    assert.deepEqual(fieldValidationErrors(d, 'apps/v1', 'Deployment'), []);
  });

  test('field names are case-sensitive, as the strict decoder is', () => {
    assert.deepEqual(fieldValidationErrors({ apiVersion: 'v1', kind: 'Pod', spec: { Containers: [] } }, 'v1', 'Pod'), ['unknown field "spec.Containers"']);
  });

  test('free-form maps and raw objects are not flagged', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'any key': 'v', 'app.properties': 'x=1' }, binaryData: { blob: 'AAEC' } };
    assert.deepEqual(fieldValidationErrors(cm, 'v1', 'ConfigMap'), []);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { pw: 'aHVudGVyMg==' }, stringData: { user: 'me' } };
    assert.deepEqual(fieldValidationErrors(secret, 'v1', 'Secret'), []);
    const rev = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 1, data: { spec: { template: { anything: { goes: true } } } } };
    assert.deepEqual(fieldValidationErrors(rev, 'apps/v1', 'ControllerRevision'), []);
  });

  test('embedded objects with their own TypeMeta (volumeClaimTemplates) may carry apiVersion and kind', () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        selector: { matchLabels: { app: 'db' } },
        serviceName: 'db',
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres' }] } },
        volumeClaimTemplates: [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClass: 'x' } }],
      },
    };
    assert.deepEqual(fieldValidationErrors(sts, 'apps/v1', 'StatefulSet'), ['unknown field "spec.volumeClaimTemplates[0].spec.storageClass"']);
  });

  test('Services, Jobs and IntOrString ports', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http', nodePort: 30080, protocoll: 'TCP' }] } };
    assert.deepEqual(fieldValidationErrors(svc, 'v1', 'Service'), ['unknown field "spec.ports[0].protocoll"']);
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', image: 'busybox' }] } } } };
    assert.deepEqual(fieldValidationErrors(job, 'batch/v1', 'Job'), []);
  });

  test('unknown kinds and wrong shapes are not this check’s business', () => {
    assert.deepEqual(fieldValidationErrors({ spec: { anything: 1 } }, 'example.com/v1', 'Widget'), []);
    assert.deepEqual(fieldValidationErrors({ spec: 'not an object', metadata: [] }, 'apps/v1', 'Deployment'), []);
    // A core kind is not a kind of another group.
    assert.deepEqual(fieldValidationErrors({ spec: { x: 1 } }, 'apps/v1', 'Pod'), []);
  });

  test('custom schemas: preserve-unknown-fields, embedded resources and implicit metadata', () => {
    const reg = new SchemaRegistry();
    reg.add({
      'com.example.v1.Widget': {
        type: 'object',
        'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }],
        properties: {
          spec: {
            type: 'object',
            properties: {
              size: { type: 'integer' },
              config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: {} } } },
              byName: { type: 'object', additionalProperties: { type: 'object', properties: { on: { type: 'boolean' } } } },
            },
          },
        },
      },
    });
    const w = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', labels: { a: 'b' }, nmae: 'typo' },
      spec: { size: 1, colour: 'red', config: { free: { form: 1 } }, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 1 } }, byName: { a: { on: true, of: false } } },
    };
    assert.deepEqual(fieldValidationErrors(w, 'example.com/v1', 'Widget', reg), [
      'unknown field "metadata.nmae"',
      'unknown field "spec.colour"',
      'unknown field "spec.template.spec.x"',
      'unknown field "spec.byName.a.of"',
    ]);
  });
});

describe('handleFieldValidation', () => {
  const errors = ['unknown field "spec.replicaz"', 'unknown field "spec.template.spec.containers[0].imagePullPolicyy"'];

  test('Strict on a create or update body: 400 naming the kind and version', () => {
    assert.throws(
      () => handleFieldValidation('Strict', errors, { kind: 'Deployment', version: 'v1' }),
      (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 400);
        assert.equal(err.reason, 'BadRequest');
        assert.equal(
          err.message,
          'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz", unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
        );
        return true;
      },
    );
  });

  test('Strict on a strategic merge patch: 422 on field patch showing the patch as Go prints it', () => {
    assert.throws(
      () => handleFieldValidation('Strict', [errors[0]!], { patchType: 'strategic', patch: { spec: { replicaz: 2 } }, patched: {} }),
      (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 422);
        assert.equal(err.message, ' "" is invalid: patch: Invalid value: "map[spec:map[replicaz:2]]": strict decoding error: unknown field "spec.replicaz"');
        assert.deepEqual(err.details?.causes, [{ reason: 'FieldValueInvalid', field: 'patch', message: 'Invalid value: "map[spec:map[replicaz:2]]": strict decoding error: unknown field "spec.replicaz"' }]);
        return true;
      },
    );
  });

  test('Strict on a merge patch shows the patched object as JSON', () => {
    assert.throws(
      () => handleFieldValidation('Strict', [errors[0]!], { patchType: 'merge', patch: {}, patched: { spec: { replicaz: 2 } } }),
      { code: 422, message: ' "" is invalid: patch: Invalid value: "{\\"spec\\":{\\"replicaz\\":2}}": strict decoding error: unknown field "spec.replicaz"' },
    );
  });

  test('Warn (and no directive, the server default) returns one warning per field; Ignore nothing', () => {
    assert.deepEqual(handleFieldValidation('Warn', errors), errors);
    assert.deepEqual(handleFieldValidation(undefined, errors), errors);
    assert.deepEqual(handleFieldValidation('Ignore', errors), []);
    assert.deepEqual(handleFieldValidation('Strict', []), []);
    assert.equal(warningHeaderValue(errors[0]!), '299 - "unknown field \\"spec.replicaz\\""');
  });
});

describe('parseFieldValidation', () => {
  test('absent or empty is Warn; the three directives pass through', () => {
    assert.equal(parseFieldValidation(new URLSearchParams(''), 'Create'), 'Warn');
    assert.equal(parseFieldValidation(new URLSearchParams('fieldValidation='), 'Patch'), 'Warn');
    for (const d of ['Strict', 'Warn', 'Ignore']) assert.equal(parseFieldValidation(new URLSearchParams(`fieldValidation=${d}`), 'Update'), d);
  });

  test('anything else is a 422 on the request options', () => {
    assert.throws(() => parseFieldValidation(new URLSearchParams('fieldValidation=strict'), 'Create'), {
      code: 422,
      message: 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"',
    });
  });
});
