import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServiceAccountUsername, serviceAccountUser, serviceAccountUsername } from './service-account-names.js';

describe('service account user names', () => {
  it('round-trips namespace and name', () => {
    const name = serviceAccountUsername('kube-system', 'coredns');
    assert.equal(name, 'system:serviceaccount:kube-system:coredns');
    assert.deepEqual(parseServiceAccountUsername(name), { namespace: 'kube-system', name: 'coredns' });
  });

  it('rejects other users and malformed names', () => {
    for (const n of ['alice', 'system:serviceaccount:', 'system:serviceaccount:ns', 'system:serviceaccount::x', 'system:serviceaccount:ns:', 'system:serviceaccount:a:b:c']) {
      assert.equal(parseServiceAccountUsername(n), undefined, n);
    }
  });

  it('gives the service account groups', () => {
    assert.deepEqual(serviceAccountUser('dev', 'ci', 'u1'), {
      name: 'system:serviceaccount:dev:ci',
      uid: 'u1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated'],
    });
  });
});
