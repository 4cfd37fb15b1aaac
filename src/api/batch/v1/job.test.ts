import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../types.js';
import { at, created, lines, updated } from '../../common/testing.js';
import { jobs } from './job.js';

const uid = '3f1d2c4b-5a6e-4f70-8b9c-0d1e2f3a4b5c';

function job(spec: Record<string, unknown> = {}, templateLabels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default' },
    spec: {
      template: {
        ...(templateLabels ? { metadata: { labels: templateLabels } } : {}),
        spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] },
      },
      ...spec,
    },
  };
}

test('defaults and the generated selector and labels', () => {
  const { obj, errs } = created(jobs, job(), uid);
  assert.deepEqual(errs, []);
  const spec = obj.spec as any;
  assert.equal(spec.completions, 1);
  assert.equal(spec.parallelism, 1);
  assert.equal(spec.backoffLimit, 6);
  assert.equal(spec.completionMode, 'NonIndexed');
  assert.equal(spec.suspend, false);
  assert.equal(spec.podReplacementPolicy, 'TerminatingOrFailed');
  assert.equal(spec.manualSelector, undefined);
  assert.deepEqual(spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
  assert.deepEqual(spec.template.metadata.labels, {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': uid,
    'job-name': 'pi',
  });
  assert.equal(obj.metadata.labels, undefined);
  assert.deepEqual(obj.status, {});
});

test('a job without labels takes the template labels, generated ones included', () => {
  const { obj } = created(jobs, job({}, { app: 'pi' }), uid);
  assert.deepEqual(obj.metadata.labels, {
    app: 'pi',
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': uid,
    'job-name': 'pi',
  });
});

test('parallelism alone leaves completions unset; per-index backoff raises backoffLimit', () => {
  const { obj } = created(jobs, job({ parallelism: 3 }));
  assert.equal((obj.spec as any).completions, undefined);
  const indexed = created(jobs, job({ completionMode: 'Indexed', completions: 4, backoffLimitPerIndex: 1 }));
  assert.deepEqual(indexed.errs, []);
  assert.equal((indexed.obj.spec as any).backoffLimit, 2147483647);
});

test('restartPolicy must be OnFailure or Never', () => {
  const j = job();
  delete (j.spec as any).template.spec.restartPolicy;
  assert.ok(lines(created(jobs, j).errs).includes('spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'));
  (j.spec as any).template.spec.restartPolicy = 'Always';
  assert.ok(lines(created(jobs, j).errs).includes('spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'));
  (j.spec as any).template.spec.restartPolicy = 'Sometimes';
  assert.ok(lines(created(jobs, j).errs).includes('spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never"'));
});

test('spec counts and modes are validated', () => {
  const { errs } = created(
    jobs,
    job({ parallelism: -1, backoffLimit: -2, completionMode: 'Sometimes', podReplacementPolicy: 'Never', maxFailedIndexes: 1 }),
  );
  assert.deepEqual(lines(errs), [
    'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
    'spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0',
    'spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified',
    'spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"',
    'spec.maxFailedIndexes: Invalid value: 1: requires indexed completion mode',
    'spec.podReplacementPolicy: Unsupported value: "Never": supported values: "Failed", "TerminatingOrFailed"',
  ]);
});

test('a manual selector must match the template', () => {
  const { errs } = created(jobs, job({ manualSelector: true, selector: { matchLabels: { app: 'x' } } }, { app: 'pi' }));
  assert.deepEqual(lines(errs), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"pi"}: `selector` does not match template `labels`',
  ]);
});

test('a user selector without manualSelector is rejected', () => {
  const { errs } = created(jobs, job({ selector: { matchLabels: { app: 'pi' } } }, { app: 'pi' }), uid);
  assert.deepEqual(lines(errs), [
    `spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"pi", "batch.kubernetes.io/controller-uid":"${uid}"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: \`selector\` not auto-generated`,
  ]);
});

test('indexed job names must leave room for the index', () => {
  const long = job({ completionMode: 'Indexed', completions: 100 });
  long.metadata.name = 'a'.repeat(62);
  assert.ok(lines(created(jobs, long).errs).some((l) => l.startsWith('metadata.name: Invalid value:') && l.endsWith(`will not able to create pod with invalid DNS label: ${'a'.repeat(62)}-99`)));
});

test('template, selector and completions are immutable; a suspended job may move pods', () => {
  const { obj: old } = created(jobs, job(), uid);
  const next = structuredClone(old);
  (next.spec as any).template.spec.containers[0].image = 'perl:5.36';
  (next.spec as any).completions = 2;
  const errs = lines(updated(jobs, next, old));
  assert.equal(errs[0], 'spec.completions: Invalid value: 2: field is immutable');
  assert.ok(errs[1]!.startsWith('spec.template: Invalid value: {') && errs[1]!.endsWith('field is immutable'));

  const { obj: suspended } = created(jobs, job({ suspend: true }), uid);
  const moved = structuredClone(suspended);
  (moved.spec as any).template.spec.nodeSelector = { zone: 'a' };
  assert.deepEqual(updated(jobs, moved, suspended), []);
});

test('table row: status, completions, duration', () => {
  const { obj } = created(jobs, job({ completions: 3, parallelism: 2 }, { app: 'pi' }), uid);
  obj.status = { startTime: '2024-05-01T10:00:00Z', succeeded: 1, active: 2 };
  assert.deepEqual(jobs.cells!(obj, at(125)), ['pi', 'Running', '1/3', '2m5s', '2m5s', 'pi', 'perl:5.34', `batch.kubernetes.io/controller-uid=${uid}`]);
  obj.status = {
    startTime: '2024-05-01T10:00:00Z',
    completionTime: '2024-05-01T10:00:42Z',
    succeeded: 3,
    conditions: [{ type: 'Complete', status: 'True' }],
  };
  assert.deepEqual(jobs.cells!(obj, at(3600)).slice(1, 4), ['Complete', '3/3', '42s']);
  (obj.spec as any).completions = undefined;
  obj.status = { conditions: [{ type: 'Suspended', status: 'True' }] };
  assert.deepEqual(jobs.cells!(obj, at(3600)).slice(1, 4), ['Suspended', '0/1 of 2', '']);
  assert.equal(jobs.fieldSelectors!['status.successful']!(obj), '0');
});
