import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClusterPki } from '../../pki/cluster-pki.js';
import { inspectCertificate, isIssuedBy } from '../../pki/certificates.js';
import { caHash, ensureServerToken, formatJoinToken, parseJoinToken, tokenMatches } from './join-token.js';
import { issueNodeCredentials } from './node-credentials.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-join-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('join tokens', () => {
  it('parse full and bare tokens and compare secrets', () => {
    const full = formatJoinToken('CA PEM', 's3cret');
    assert.match(full, /^K10[0-9a-f]{64}::server:s3cret$/);
    assert.deepEqual(parseJoinToken(full), { caHash: caHash('CA PEM'), secret: 's3cret' });
    assert.deepEqual(parseJoinToken('s3cret'), { secret: 's3cret' });
    assert.equal(tokenMatches(full, 's3cret'), true);
    assert.equal(tokenMatches('s3cret', 's3cret'), true);
    assert.equal(tokenMatches('wrong', 's3cret'), false);
  });

  it('keep the server token across starts in <data-dir>/token, mode 0600', async () => {
    const a = await ensureServerToken(dir, 'CA');
    const b = await ensureServerToken(dir, 'CA');
    assert.equal(a.token, b.token);
    assert.equal(readFileSync(join(dir, 'token'), 'utf8').trim(), a.token);
    assert.equal(statSync(join(dir, 'token')).mode & 0o777, 0o600);
    const given = await ensureServerToken(dir, 'CA', 'mine');
    assert.equal(given.secret, 'mine');
  });
});

describe('issueNodeCredentials', () => {
  it('issues a system:node client certificate and a serving certificate with the node names', async () => {
    const pki = await ensureClusterPki({ dataDir: join(dir, 'pki') });
    const c = await issueNodeCredentials(pki, 'worker-1', { ips: ['10.0.0.7'], dnsNames: ['worker-1.lan'] });
    const client = inspectCertificate(c.clientCertPem);
    assert.equal(client.commonName, 'system:node:worker-1');
    assert.deepEqual(client.organizations, ['system:nodes']);
    const serving = inspectCertificate(c.servingCertPem);
    assert.ok(serving.ips.includes('10.0.0.7') && serving.ips.includes('127.0.0.1'));
    assert.ok(serving.dnsNames.includes('worker-1') && serving.dnsNames.includes('worker-1.lan'));
    assert.ok(isIssuedBy(c.servingCertPem, pki.caCertPem));
  });
});
