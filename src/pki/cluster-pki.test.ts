import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inspectCertificate } from './certificates.js';
import { ensureClusterPki, PKI_FILES, PkiError, signClientCertificate, type ClusterPki } from './cluster-pki.js';
import { servingNames } from './serving-names.js';
import { httpsGet, run, startTlsServer, tempDir } from './test-support.js';

const DAY_MS = 24 * 60 * 60 * 1000;

async function readAll(tlsDir: string): Promise<Record<string, string>> {
  const entries = await Promise.all(Object.values(PKI_FILES).map(async (f) => [f, await readFile(join(tlsDir, f), 'utf8')] as const));
  return Object.fromEntries(entries);
}

/** The SAN line of `openssl x509 -text`, split into entries like `DNS:localhost`, `IP Address:127.0.0.1`. */
async function opensslSans(certPath: string): Promise<string[]> {
  const out = await run('openssl', ['x509', '-in', certPath, '-noout', '-ext', 'subjectAltName']);
  return out.split('\n').slice(1).join(',').split(',').map((s) => s.trim()).filter(Boolean);
}

describe('ensureClusterPki', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let dataDir = '';
  let tlsDir = '';
  let pki: ClusterPki;

  before(async () => {
    dir = await tempDir('pki');
    dataDir = join(dir.path, 'server');
    tlsDir = join(dataDir, 'tls');
    pki = await ensureClusterPki({ dataDir, serverHostnames: ['k8ts.example.com'], serverIPs: ['198.51.100.7'] });
  });
  after(() => dir.remove());

  it('creates the CA, serving and admin pairs in <dataDir>/tls with private modes', async () => {
    assert.deepEqual(pki.issued, ['ca', 'serving', 'admin']);
    assert.equal(pki.tlsDir, tlsDir);
    assert.equal((await stat(tlsDir)).mode & 0o777, 0o700);
    for (const key of [PKI_FILES.caKey, PKI_FILES.servingKey, PKI_FILES.adminKey]) {
      assert.equal((await stat(join(tlsDir, key))).mode & 0o777, 0o600, key);
      assert.match(await readFile(join(tlsDir, key), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
      await run('openssl', ['pkey', '-in', join(tlsDir, key), '-noout', '-check']);
    }
    const files = await readAll(tlsDir);
    assert.equal(files[PKI_FILES.caCert], pki.caCertPem);
    assert.equal(files[PKI_FILES.adminKey], pki.adminKeyPem);
  });

  it('makes certificates openssl verifies against the CA, each for its purpose', async () => {
    const ca = join(tlsDir, PKI_FILES.caCert);
    const serving = join(tlsDir, PKI_FILES.servingCert);
    const admin = join(tlsDir, PKI_FILES.adminCert);
    assert.match(await run('openssl', ['verify', '-CAfile', ca, '-purpose', 'sslserver', serving]), /: OK/);
    assert.match(await run('openssl', ['verify', '-CAfile', ca, '-purpose', 'sslclient', admin]), /: OK/);
    await assert.rejects(run('openssl', ['verify', '-CAfile', ca, '-purpose', 'sslclient', serving]));
    await assert.rejects(run('openssl', ['verify', '-CAfile', ca, '-purpose', 'sslserver', admin]));
  });

  it('gives the CA a k3s-style name and ten years, the leaves one year', async () => {
    const ca = inspectCertificate(pki.caCertPem);
    assert.match(ca.commonName ?? '', /^k8ts-ca@\d{10}$/);
    assert.equal(ca.isCA, true);
    assert.ok(Math.abs(ca.notAfter.getTime() - Date.now() - 3650 * DAY_MS) < DAY_MS);
    const serving = inspectCertificate(pki.servingCertPem);
    assert.ok(Math.abs(serving.notAfter.getTime() - Date.now() - 365 * DAY_MS) < DAY_MS);
    const subject = await run('openssl', ['x509', '-in', join(tlsDir, PKI_FILES.adminCert), '-noout', '-subject', '-nameopt', 'RFC2253']);
    assert.equal(subject.trim(), 'subject=CN=admin,O=system:masters');
  });

  it('names every address and name clients use in the serving certificate', async () => {
    const sans = await opensslSans(join(tlsDir, PKI_FILES.servingCert));
    const expected = servingNames({ serviceCIDRs: ['10.43.0.0/16'], extraHostnames: ['k8ts.example.com'], extraIPs: ['198.51.100.7'] });
    for (const name of ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'k8ts.example.com', ...expected.dnsNames]) {
      assert.ok(sans.includes(`DNS:${name}`), `DNS:${name} in ${sans.join(', ')}`);
    }
    // openssl prints IPv6 SANs uncompressed, so compare through the parsed certificate too.
    for (const ip of ['127.0.0.1', '10.43.0.1', '198.51.100.7']) assert.ok(sans.includes(`IP Address:${ip}`), ip);
    const parsed = inspectCertificate(pki.servingCertPem);
    for (const ip of expected.ips) assert.ok(parsed.ips.includes(ip), `${ip} in ${parsed.ips.join(', ')}`);
    assert.ok(parsed.ips.includes('::1'));
  });

  it('reuses every file byte for byte on restart', async () => {
    const before = await readAll(tlsDir);
    const again = await ensureClusterPki({ dataDir, serverHostnames: ['k8ts.example.com'], serverIPs: ['198.51.100.7'] });
    assert.deepEqual(again.issued, []);
    assert.deepEqual(await readAll(tlsDir), before);
    assert.equal(again.servingCertPem, pki.servingCertPem);
  });

  it('reissues only the serving certificate when a new name is needed, keeping the old names', async () => {
    const before = await readAll(tlsDir);
    const again = await ensureClusterPki({ dataDir, serverIPs: ['203.0.113.9'] });
    assert.deepEqual(again.issued, ['serving']);
    const after = await readAll(tlsDir);
    for (const f of [PKI_FILES.caCert, PKI_FILES.caKey, PKI_FILES.adminCert, PKI_FILES.adminKey]) assert.equal(after[f], before[f], f);
    assert.notEqual(after[PKI_FILES.servingKey], before[PKI_FILES.servingKey]);
    const names = inspectCertificate(again.servingCertPem);
    assert.ok(names.ips.includes('203.0.113.9') && names.ips.includes('198.51.100.7'));
    assert.ok(names.dnsNames.includes('k8ts.example.com'));
    // Dropping the extra later needs no reissue: the certificate still names everything required.
    assert.deepEqual((await ensureClusterPki({ dataDir })).issued, []);
  });

  it('renews leaves that expire within 90 days, never the CA', async () => {
    const later = new Date(Date.now() + 300 * DAY_MS);
    const renewed = await ensureClusterPki({ dataDir, now: () => later });
    assert.deepEqual(renewed.issued, ['serving', 'admin']);
    assert.equal(renewed.caCertPem, pki.caCertPem);
    assert.ok(inspectCertificate(renewed.adminCertPem).notAfter.getTime() > later.getTime() + 300 * DAY_MS);
    assert.deepEqual((await ensureClusterPki({ dataDir, now: () => later })).issued, []);
  });

  it('replaces a missing, mismatched or corrupt leaf', async () => {
    await rm(join(tlsDir, PKI_FILES.adminKey));
    await writeFile(join(tlsDir, PKI_FILES.servingCert), 'not a certificate');
    let again = await ensureClusterPki({ dataDir });
    assert.deepEqual(again.issued, ['serving', 'admin']);
    // A key that belongs to another certificate (a crash between the two writes).
    await writeFile(join(tlsDir, PKI_FILES.adminKey), again.servingKeyPem);
    again = await ensureClusterPki({ dataDir });
    assert.deepEqual(again.issued, ['admin']);
    assert.match(await run('openssl', ['verify', '-CAfile', join(tlsDir, PKI_FILES.caCert), join(tlsDir, PKI_FILES.adminCert)]), /: OK/);
  });

  it('signs client certificates, e.g. node credentials', async () => {
    const node = await signClientCertificate(pki, { commonName: 'system:node:worker-1', organizations: ['system:nodes'], days: 30 });
    const info = inspectCertificate(node.certPem);
    assert.equal(info.commonName, 'system:node:worker-1');
    assert.deepEqual(info.organizations, ['system:nodes']);
    assert.ok(Math.abs(info.notAfter.getTime() - Date.now() - 30 * DAY_MS) < DAY_MS);
    const path = join(dir.path, 'node.crt');
    await writeFile(path, node.certPem);
    assert.match(await run('openssl', ['verify', '-CAfile', join(tlsDir, PKI_FILES.caCert), '-purpose', 'sslclient', path]), /: OK/);
  });
});

describe('client certificates against a Node TLS server', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let pki: ClusterPki;
  let server: Awaited<ReturnType<typeof startTlsServer>>;

  before(async () => {
    dir = await tempDir('pki-tls');
    pki = await ensureClusterPki({ dataDir: join(dir.path, 'server') });
    server = await startTlsServer({ key: pki.servingKeyPem, cert: pki.servingCertPem, ca: pki.caCertPem }, (peer) => ({
      status: 200,
      body: JSON.stringify(peer),
    }));
  });
  after(async () => {
    await server.close();
    await dir.remove();
  });

  it('accepts a certificate a user signed with openssl and the CA files in <dataDir>/tls', async () => {
    // The same commands the PKI documents for users (see the comment on PKI_FILES).
    const script = [
      'set -e',
      'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out alice.key',
      'openssl req -new -key alice.key -subj "/O=developers/O=ops/CN=alice" -out alice.csr',
      "printf 'keyUsage=critical,digitalSignature\\nextendedKeyUsage=clientAuth\\n' > client.ext",
      'openssl x509 -req -in alice.csr -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" -set_serial "0x$(openssl rand -hex 16)" -days 365 -sha256 -extfile client.ext -out alice.crt',
    ].join('\n');
    await run('sh', ['-c', `TLS='${pki.tlsDir}'\n${script}`], { cwd: dir.path });
    const [cert, key] = await Promise.all([readFile(join(dir.path, 'alice.crt'), 'utf8'), readFile(join(dir.path, 'alice.key'), 'utf8')]);
    const res = await httpsGet(server.port, '/', { ca: pki.caCertPem, cert, key, servername: 'localhost' });
    assert.deepEqual(JSON.parse(res.body), { authorized: true, commonName: 'alice', organizations: ['developers', 'ops'] });
  });

  it('accepts the admin and signClientCertificate certificates with their CN and O', async () => {
    const admin = await httpsGet(server.port, '/', { ca: pki.caCertPem, cert: pki.adminCertPem, key: pki.adminKeyPem });
    assert.deepEqual(JSON.parse(admin.body), { authorized: true, commonName: 'admin', organizations: ['system:masters'] });
    const node = await signClientCertificate(pki, { commonName: 'system:node:n1', organizations: ['system:nodes'] });
    const seen = await httpsGet(server.port, '/', { ca: pki.caCertPem, cert: node.certPem, key: node.keyPem });
    assert.deepEqual(JSON.parse(seen.body), { authorized: true, commonName: 'system:node:n1', organizations: ['system:nodes'] });
  });

  it('refuses the serving certificate as a client certificate, and certificates from another CA', async () => {
    // One CA signs both kinds, so the extended key usage is what keeps them apart.
    const serving = await httpsGet(server.port, '/', { ca: pki.caCertPem, cert: pki.servingCertPem, key: pki.servingKeyPem });
    assert.equal(JSON.parse(serving.body).authorized, false);
    assert.equal(JSON.parse(serving.body).authorizationError, 'INVALID_PURPOSE');
    const other = await ensureClusterPki({ dataDir: join(dir.path, 'other') });
    const foreign = await httpsGet(server.port, '/', { ca: pki.caCertPem, cert: other.adminCertPem, key: other.adminKeyPem });
    assert.equal(JSON.parse(foreign.body).authorized, false);
  });
});

describe('a CA the operator brings', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    dir = await tempDir('pki-own-ca');
  });
  after(() => dir.remove());

  it('signs leaves with an RSA CA made by openssl, which Go-style byte matching of names accepts', async () => {
    const tls = join(dir.path, 'server', 'tls');
    await run('sh', ['-c', `mkdir -p '${tls}' && cd '${tls}' && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 -subj "/O=Example Corp/CN=Example Root" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null`]);
    const caBefore = await readFile(join(tls, 'ca.crt'), 'utf8');
    const pki = await ensureClusterPki({ dataDir: join(dir.path, 'server') });
    assert.deepEqual(pki.issued, ['serving', 'admin']);
    assert.equal(pki.caCertPem, caBefore);
    assert.match(await run('openssl', ['verify', '-CAfile', join(tls, 'ca.crt'), join(tls, 'serving.crt'), join(tls, 'admin.crt')]), /serving.crt: OK\n.*admin.crt: OK/);
    // Same DER string types in the leaf's issuer as in the CA's subject.
    const caSubject = await run('openssl', ['x509', '-in', join(tls, 'ca.crt'), '-noout', '-subject', '-nameopt', 'RFC2253,show_type']);
    const issuer = await run('openssl', ['x509', '-in', join(tls, 'admin.crt'), '-noout', '-issuer', '-nameopt', 'RFC2253,show_type']);
    assert.equal(issuer.replace('issuer=', ''), caSubject.replace('subject=', ''));
  });

  it('refuses to start with a CA certificate but no key, or a key that does not match', async () => {
    const dataDir = join(dir.path, 'broken');
    const first = await ensureClusterPki({ dataDir });
    await rm(join(first.tlsDir, PKI_FILES.caKey));
    await assert.rejects(ensureClusterPki({ dataDir }), PkiError);
    await writeFile(join(first.tlsDir, PKI_FILES.caKey), first.adminKeyPem);
    await assert.rejects(ensureClusterPki({ dataDir }), /is not the key of/);
    // A lone key is what a crash during the very first start leaves: start over.
    await rm(join(first.tlsDir, PKI_FILES.caCert));
    await writeFile(join(first.tlsDir, PKI_FILES.caKey), randomBytes(8).toString('hex'));
    assert.deepEqual((await ensureClusterPki({ dataDir })).issued, ['ca', 'serving', 'admin']);
  });
});
