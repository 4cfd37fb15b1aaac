import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import { isOwnIngress, k8tsIngressClass } from './ingress-class.js';
import { collectSnapshot, snapshotLookup } from './route-snapshot.js';

const other: KubeObject = { metadata: { name: 'other' }, spec: { controller: 'example.com/other' } };
const ing = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({ metadata: { name: 'i', namespace: 'default', annotations }, spec });

describe('isOwnIngress', () => {
  const withDefault = [k8tsIngressClass(), other];
  const get = (classes: KubeObject[]) => (n: string) => classes.find((c) => c.metadata.name === n);

  it('serves its class, the default class, and the unclaimed nginx class', () => {
    assert.ok(isOwnIngress(ing({ ingressClassName: 'k8ts' }), get(withDefault), withDefault));
    assert.ok(isOwnIngress(ing({}), get(withDefault), withDefault));
    assert.ok(isOwnIngress(ing({}, { 'kubernetes.io/ingress.class': 'k8ts' }), get(withDefault), withDefault));
    assert.ok(isOwnIngress(ing({ ingressClassName: 'nginx' }), get(withDefault), withDefault));
  });

  it('leaves other controllers’ classes, a claimed nginx class and unknown classes alone', () => {
    assert.ok(!isOwnIngress(ing({ ingressClassName: 'other' }), get(withDefault), withDefault));
    const nginx: KubeObject = { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } };
    const all = [...withDefault, nginx];
    assert.ok(!isOwnIngress(ing({ ingressClassName: 'nginx' }), get(all), all));
    assert.ok(!isOwnIngress(ing({ ingressClassName: 'traefik' }), get(all), all));
    const notDefault = [{ ...k8tsIngressClass(), metadata: { name: 'k8ts' } }];
    assert.ok(!isOwnIngress(ing({}), get(notDefault), notDefault));
  });
});

describe('route snapshots', () => {
  it('carry only the Services, slices and Secrets the Ingresses name', () => {
    const svc = (name: string): KubeObject => ({ metadata: { name, namespace: 'default' }, spec: {} });
    const slice = (name: string, service: string): KubeObject => ({ metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': service } } });
    const services = [svc('a'), svc('b'), svc('unused')];
    const slices = [slice('a-1', 'a'), slice('b-1', 'b'), slice('u-1', 'unused')];
    const lookup = {
      service: (ns: string, n: string) => services.find((s) => s.metadata.name === n && s.metadata.namespace === ns),
      slices: (_ns: string, n: string) => slices.filter((s) => s.metadata.labels!['kubernetes.io/service-name'] === n),
    };
    const secrets = new Map([['default/tls', { metadata: { name: 'tls', namespace: 'default' } }]]);
    const i = ing({
      defaultBackend: { service: { name: 'a', port: { number: 80 } } },
      rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'b', port: { number: 80 } } } }] } }],
      tls: [{ secretName: 'tls' }],
    });
    const snap = collectSnapshot([i], lookup, (k) => secrets.get(k));
    assert.deepEqual(snap.services.map((s) => s.metadata.name), ['a', 'b']);
    assert.deepEqual(snap.slices.map((s) => s.metadata.name), ['a-1', 'b-1']);
    assert.equal(snap.secrets.length, 1);
    const back = snapshotLookup(JSON.parse(JSON.stringify(snap)));
    assert.equal(back.lookup.slices('default', 'b')[0]!.metadata.name, 'b-1');
    assert.equal(back.secret('default/tls')!.metadata.name, 'tls');
  });
});
