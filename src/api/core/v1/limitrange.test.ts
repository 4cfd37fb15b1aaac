import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { limitRanges } from './limitrange.js';
import { resourceQuotas } from './resourcequota.js';
import { causes, make, now } from './test-util.js';

describe('limitranges', () => {
  it('defaults container limits and requests from max and min', () => {
    const lr = make(limitRanges, { spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' }, default: { memory: '256Mi' } }] } });
    const item = (lr.spec as any).limits[0];
    assert.deepEqual(item.default, { cpu: '2', memory: '256Mi' });
    assert.deepEqual(item.defaultRequest, { cpu: '2', memory: '256Mi' });
    assert.deepEqual(limitRanges.validate!(lr), []);
    assert.equal(limitRanges.columns, undefined);
  });

  it('checks min ≤ default ≤ max', () => {
    const lr = make(limitRanges, { spec: { limits: [{ type: 'Container', max: { cpu: '1' }, min: { cpu: '2' } }] } });
    // Defaulting copies max into default and defaultRequest, so those clash with min too.
    assert.deepEqual(causes(limitRanges.validate!(lr)), [
      'spec.limits[0].min[cpu]: Invalid value: 2: min value 2 is greater than max value 1',
      'spec.limits[0].defaultRequest[cpu]: Invalid value: 1: min value 2 is greater than default request value 1',
      'spec.limits[0].default[cpu]: Invalid value: 2: min value 2 is greater than default value 1',
    ]);
    const pod = make(limitRanges, { spec: { limits: [{ type: 'Pod', default: { cpu: '1' } }] } });
    assert.deepEqual(causes(limitRanges.validate!(pod)), ["spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"]);
  });
});

describe('resourcequotas', () => {
  it('prints used/hard for requests and limits', () => {
    const q = make(resourceQuotas, { metadata: { name: 'compute', namespace: 'default' }, spec: { hard: { pods: '10', 'requests.cpu': '1', 'limits.cpu': '2' } } });
    q.status = { hard: { pods: '10', 'requests.cpu': '1', 'limits.cpu': '2', 'limits.memory': '2Gi' }, used: { pods: '3', 'requests.cpu': '500m', 'limits.cpu': '1000m' } };
    assert.deepEqual(resourceQuotas.cells!(q, now), ['compute', 'pods: 3/10, requests.cpu: 500m/1', 'limits.cpu: 1/2, limits.memory: 0/2Gi', '5m']);
    assert.deepEqual(resourceQuotas.columns!.map((c) => c.name), ['Name', 'Request', 'Limit', 'Age']);
  });

  it('validates hard quantities and scopes', () => {
    const q = make(resourceQuotas, { spec: { hard: { pods: '-1' }, scopes: ['Sometimes'] } });
    assert.deepEqual(causes(resourceQuotas.validate!(q)), [
      'spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.scopes: Invalid value: "Sometimes": unsupported scope',
    ]);
  });
});
