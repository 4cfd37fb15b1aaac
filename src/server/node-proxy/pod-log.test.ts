import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../apiserver/errors.js';
import { nodeEndpoint } from './kubelet-client.js';
import { logContainer } from './pod-log.js';

const pod = (containers: string[], inits: string[] = []) => ({
  metadata: { name: 'web' },
  spec: { containers: containers.map((name) => ({ name })), initContainers: inits.map((name) => ({ name })) },
});

describe('logContainer', () => {
  it('defaults to the only container and checks the name', () => {
    assert.equal(logContainer(pod(['app']), null), 'app');
    assert.equal(logContainer(pod(['app'], ['init']), 'init'), 'init');
    assert.throws(() => logContainer(pod(['app']), 'nope'), (e: ApiError) => e.code === 400 && e.message === 'container nope is not valid for pod web');
  });

  it('asks for a name when there are several, as kube-apiserver words it', () => {
    assert.throws(
      () => logContainer(pod(['a', 'b'], ['i']), null),
      (e: ApiError) => e.message === 'a container name must be specified for pod web, choose one of: [a b] or one of the init containers: [i]',
    );
  });
});

describe('nodeEndpoint', () => {
  it('prefers the InternalIP and takes the kubelet port from daemonEndpoints', () => {
    const node = { metadata: { name: 'n' }, status: { addresses: [{ type: 'Hostname', address: 'n' }, { type: 'InternalIP', address: '10.0.0.7' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } };
    assert.deepEqual(nodeEndpoint(node), { host: '10.0.0.7', port: 10250 });
    assert.throws(() => nodeEndpoint({ metadata: { name: 'n' }, status: {} }), ApiError);
  });
});
