import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderHosts } from './hosts-file.js';

const header = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';

describe('renderHosts', () => {
  it('names the pod by its name without a subdomain', () => {
    assert.equal(renderHosts({ metadata: { name: 'web-7f9', namespace: 'default' }, spec: {} }, ['10.42.0.7']), `${header}10.42.0.7\tweb-7f9\n`);
  });

  it('gives hostname.subdomain its FQDN on every pod IP', () => {
    const pod = { metadata: { name: 'x', namespace: 'shop' }, spec: { hostname: 'db-0', subdomain: 'db' } };
    assert.equal(
      renderHosts(pod, ['10.42.0.8', 'fd00::8']),
      `${header}10.42.0.8\tdb-0.db.shop.svc.cluster.local\tdb-0\nfd00::8\tdb-0.db.shop.svc.cluster.local\tdb-0\n`,
    );
  });

  it('appends hostAliases', () => {
    const pod = { metadata: { name: 'p', namespace: 'default' }, spec: { hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }] } };
    assert.equal(renderHosts(pod, ['10.42.0.9']), `${header}10.42.0.9\tp\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n`);
  });

  it('truncates long names to 63 characters without a trailing dash', () => {
    const name = `${'a'.repeat(62)}-bbbb`;
    assert.equal(renderHosts({ metadata: { name, namespace: 'default' }, spec: {} }, ['10.42.0.1']).trim().split('\n').pop(), `10.42.0.1\t${'a'.repeat(62)}`);
  });

  it('copies the node file for host-network pods', () => {
    const out = renderHosts({ metadata: { name: 'h', namespace: 'default' }, spec: { hostNetwork: true } }, ['192.0.2.5'], { hostHostsFile: '127.0.0.1\tlocalhost\n' });
    assert.equal(out, '# Kubernetes-managed hosts file (host network).\n127.0.0.1\tlocalhost\n');
  });
});
