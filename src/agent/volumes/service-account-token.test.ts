import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { TokenCache } from './service-account-token.js';
import type { VolumeSources } from './volume-types.js';

test('a token is reused until 80 % of its life, then requested again', async () => {
  let now = 1_000_000;
  const requests: { audience?: string; exp: number }[] = [];
  const sources = {
    async serviceAccountToken(_pod: KubeObject, audience: string | undefined, exp: number) {
      requests.push({ audience, exp });
      return { token: `t${requests.length}`, expiresAt: now + exp * 1000 };
    },
  } as unknown as VolumeSources;
  const tokens = new TokenCache(sources, () => now);
  const pod = { metadata: { name: 'p', uid: 'u1' } };
  assert.equal(await tokens.get(pod, 'vault', 600), 't1');
  assert.equal(tokens.refreshAt('u1'), 1_000_000 + 480_000);
  now += 479_000;
  assert.equal(await tokens.get(pod, 'vault', 600), 't1');
  now += 2_000;
  assert.equal(await tokens.get(pod, 'vault', 600), 't2');
  // Another audience is another token.
  assert.equal(await tokens.get(pod, undefined, 3600), 't3');
  assert.deepEqual(requests.map((r) => r.audience), ['vault', 'vault', undefined]);
  tokens.forgetPod('u1');
  assert.equal(tokens.refreshAt('u1'), undefined);
});
