import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../types.js';
import { at, created, lines, updated } from '../../common/testing.js';
import { ingressClasses } from './ingressclass.js';
import { ingresses } from './ingress.js';
import { networkPolicies } from './networkpolicy.js';

function ingress(spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return { metadata: { name: 'web', namespace: 'default', ...(annotations ? { annotations } : {}) }, spec };
}

const backend = { service: { name: 'web', port: { number: 80 } } };

test('a valid ingress gets an empty load-balancer status and a table row', () => {
  const { obj, errs } = created(
    ingresses,
    ingress({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['a.example.com'], secretName: 'tls' }],
      rules: [
        { host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } },
        { host: '*.b.example.com', http: { paths: [{ path: '/api', pathType: 'Exact', backend }] } },
        { http: { paths: [{ pathType: 'ImplementationSpecific', backend }] } },
        { host: 'c.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } },
        { host: 'd.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } },
      ],
    }),
  );
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.status, { loadBalancer: {} });
  assert.deepEqual(ingresses.cells!(obj, at(10)), ['web', 'nginx', 'a.example.com,*.b.example.com,c.example.com + 2 more...', '', '80, 443', '10s']);
  obj.status = { loadBalancer: { ingress: [{ ip: '10.0.0.9' }, { hostname: 'lb.example.com' }, { ip: '10.0.0.2' }] } };
  (obj.spec as any).tls = undefined;
  (obj.spec as any).rules = [{ http: { paths: [] } }];
  (obj.spec as any).ingressClassName = undefined;
  assert.deepEqual(ingresses.cells!(obj, at(10)), ['web', '<none>', '*', '10.0.0.2,10.0.0.9,lb.example.com', '80', '10s']);
});

test('ingress validation wording', () => {
  assert.deepEqual(lines(created(ingresses, ingress({})).errs), [
    'spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified',
  ]);
  const { errs } = created(
    ingresses,
    ingress(
      {
        ingressClassName: 'nginx',
        rules: [
          {
            host: '10.0.0.1',
            http: {
              paths: [
                { path: 'api', pathType: 'Prefix', backend },
                { path: '/a//b', pathType: 'Exact', backend: { service: { name: 'web', port: { name: 'http', number: 80 } } } },
                { path: '/', backend },
                { path: '/', pathType: 'Regex', backend: {} },
                { path: '/', pathType: 'Prefix', backend: { service: { name: 'Web' } } },
              ],
            },
          },
        ],
      },
      { 'kubernetes.io/ingress.class': 'traefik' },
    ),
  );
  assert.deepEqual(lines(errs), [
    'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
    'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path',
    "spec.rules[0].http.paths[1].path: Invalid value: \"/a//b\": must not contain '//'",
    'spec.rules[0].http.paths[1].backend: Invalid value: "": cannot set both port name & port number',
    'spec.rules[0].http.paths[2].pathType: Required value: pathType must be specified',
    'spec.rules[0].http.paths[3].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
    'spec.rules[0].http.paths[3].backend: Invalid value: "": resource or service backend is required',
    "spec.rules[0].http.paths[4].backend.service.name: Invalid value: \"Web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    'spec.rules[0].http.paths[4].backend: Required value: port name or number is required',
    'annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified',
  ]);
});

test('ingress classes default parameter scope and keep their controller', () => {
  const { obj, errs } = created(ingressClasses, {
    metadata: { name: 'nginx' },
    spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } },
  });
  assert.deepEqual(errs, []);
  assert.equal((obj.spec as any).parameters.scope, 'Cluster');
  assert.deepEqual(ingressClasses.cells!(obj, at(60)), ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/external-lb', '60s']);
  const next = structuredClone(obj);
  (next.spec as any).controller = 'example.com/other';
  assert.deepEqual(lines(updated(ingressClasses, next, obj)), ['spec.controller: Invalid value: "example.com/other": field is immutable']);
  assert.deepEqual(lines(created(ingressClasses, { metadata: { name: 'x' }, spec: { controller: 'nginx' } }).errs), [
    'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
  ]);
  assert.deepEqual(
    lines(created(ingressClasses, { metadata: { name: 'x' }, spec: { controller: 'a.io/b', parameters: { kind: 'K', name: 'n', scope: 'Namespace' } } }).errs),
    ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"],
  );
});

test('network policies infer policyTypes and default port protocols', () => {
  const { obj, errs } = created(networkPolicies, {
    metadata: { name: 'db', namespace: 'default' },
    spec: {
      podSelector: { matchLabels: { role: 'db' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: {} }], ports: [{ port: 5432 }] }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
    },
  });
  assert.deepEqual(errs, []);
  assert.deepEqual((obj.spec as any).policyTypes, ['Ingress', 'Egress']);
  assert.equal((obj.spec as any).ingress[0].ports[0].protocol, 'TCP');
  assert.deepEqual(networkPolicies.cells!(obj, at(1)), ['db', 'role=db', '1s']);
  const all = created(networkPolicies, { metadata: { name: 'all', namespace: 'default' }, spec: {} });
  assert.deepEqual((all.obj.spec as any).policyTypes, ['Ingress']);
  assert.deepEqual(networkPolicies.cells!(all.obj, at(1)), ['all', '<none>', '1s']);
});

test('network policy validation wording', () => {
  const { errs } = created(networkPolicies, {
    metadata: { name: 'bad', namespace: 'default' },
    spec: {
      ingress: [
        {
          from: [{}, { ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] }, podSelector: {} }],
          ports: [{ protocol: 'ICMP', port: 80, endPort: 70 }],
        },
      ],
      policyTypes: ['Ingress', 'Sideways'],
    },
  });
  assert.deepEqual(lines(errs), [
    'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
    'spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`',
    'spec.ingress[0].from[0]: Required value: must specify a peer',
    'spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
    'spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer',
    'spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
  ]);
});
