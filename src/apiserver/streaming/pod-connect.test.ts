import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../errors.js';
import { agentLocation, DEFAULT_AGENT_PORT } from './agent-location.js';
import { resolveContainer } from './pod-connect.js';
import { replayHead } from './upgrade-proxy.js';

function pod(containers: string[], init: string[] = []): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: containers.map((name) => ({ name })), initContainers: init.map((name) => ({ name })) } } as unknown as KubeObject;
}

describe('resolveContainer', () => {
  it('defaults a single container and checks the name as the API server does', () => {
    assert.equal(resolveContainer(pod(['app']), null), 'app');
    assert.equal(resolveContainer(pod(['app', 'side'], ['init']), 'init'), 'init');
    assert.throws(() => resolveContainer(pod(['app', 'side'], ['init']), null), (e: ApiError) => e.code === 400 && e.message === 'a container name must be specified for pod web, choose one of: [app side] or one of the init containers: [init]');
    assert.throws(() => resolveContainer(pod(['app']), 'nope'), (e: ApiError) => e.code === 400 && e.message === 'container nope is not valid for pod web');
  });
});

describe('agentLocation', () => {
  const node = (status: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status }) as unknown as KubeObject;

  it('prefers InternalIP, then ExternalIP, then Hostname, and the kubelet port the node reports', () => {
    assert.deepEqual(agentLocation(node({ addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '10.0.0.5' }], daemonEndpoints: { kubeletEndpoint: { Port: 12345 } } })), { nodeName: 'n1', host: '10.0.0.5', port: 12345 });
    assert.deepEqual(agentLocation(node({ addresses: [{ type: 'Hostname', address: 'n1' }] })), { nodeName: 'n1', host: 'n1', port: DEFAULT_AGENT_PORT });
    assert.throws(() => agentLocation(node({})), /no preferred addresses found/);
  });
});

describe('replayHead', () => {
  it("passes the upgrade headers on and drops the client's credentials", () => {
    const req = {
      method: 'POST',
      rawHeaders: ['Host', 'api:6443', 'Authorization', 'Bearer secret', 'Connection', 'Upgrade', 'Upgrade', 'SPDY/3.1', 'X-Stream-Protocol-Version', 'v4.channel.k8s.io', 'X-Stream-Protocol-Version', 'channel.k8s.io', 'Impersonate-User', 'bob'],
    } as unknown as IncomingMessage;
    assert.equal(
      replayHead(req, '/exec/default/web/app?command=ls&stdout=true', { nodeName: 'n1', host: '10.0.0.5', port: 10250 }),
      'POST /exec/default/web/app?command=ls&stdout=true HTTP/1.1\r\nHost: 10.0.0.5:10250\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\nX-Stream-Protocol-Version: channel.k8s.io\r\n\r\n',
    );
  });
});
