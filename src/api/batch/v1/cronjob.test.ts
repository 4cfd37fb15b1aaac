import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../types.js';
import { at, created, lines } from '../../common/testing.js';
import { cronJobs } from './cronjob.js';

function cronJob(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox' }] } } } },
      ...spec,
    },
  };
}

test('defaults follow SetDefaults_CronJob and leave the job spec alone', () => {
  const { obj, errs } = created(cronJobs, cronJob());
  assert.deepEqual(errs, []);
  const spec = obj.spec as any;
  assert.equal(spec.concurrencyPolicy, 'Allow');
  assert.equal(spec.suspend, false);
  assert.equal(spec.successfulJobsHistoryLimit, 3);
  assert.equal(spec.failedJobsHistoryLimit, 1);
  assert.equal(spec.jobTemplate.spec.completions, undefined);
  assert.equal(spec.jobTemplate.spec.backoffLimit, undefined);
});

test('schedule, time zone, concurrency and template are validated', () => {
  const { errs } = created(
    cronJobs,
    cronJob({
      schedule: '61 * * * *',
      timeZone: 'Mars/Olympus',
      concurrencyPolicy: 'Sometimes',
      startingDeadlineSeconds: -5,
    }),
  );
  assert.deepEqual(lines(errs), [
    'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
    'spec.startingDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0',
    'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
    'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
  ]);
  assert.deepEqual(lines(created(cronJobs, cronJob({ schedule: 'CRON_TZ=UTC 0 * * * *' })).errs), [
    'spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
  ]);
  assert.deepEqual(created(cronJobs, cronJob({ schedule: '@daily', timeZone: 'Europe/Paris' })).errs, []);
  assert.deepEqual(lines(created(cronJobs, cronJob({ schedule: '' })).errs), ['spec.schedule: Required value']);
});

test('job templates may not bring a selector and names stay short', () => {
  const c = cronJob();
  (c.spec as any).jobTemplate.spec.selector = { matchLabels: { a: 'b' } };
  (c.spec as any).jobTemplate.spec.manualSelector = true;
  (c.spec as any).jobTemplate.spec.template.spec.restartPolicy = 'Always';
  c.metadata.name = 'n'.repeat(53);
  assert.deepEqual(lines(created(cronJobs, c).errs), [
    'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
    'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"',
    `metadata.name: Invalid value: "${'n'.repeat(53)}": must be no more than 52 characters`,
  ]);
});

test('table row', () => {
  const { obj } = created(cronJobs, cronJob({ timeZone: 'Etc/UTC' }));
  obj.status = { active: [{ name: 'hello-28573920' }], lastScheduleTime: '2024-05-01T10:05:00Z' };
  assert.deepEqual(cronJobs.cells!(obj, at(330)), ['hello', '*/5 * * * *', 'Etc/UTC', 'False', 1, '30s', '5m30s', 'hello', 'busybox', '<none>']);
  (obj.spec as any).suspend = undefined;
  (obj.spec as any).timeZone = undefined;
  obj.status = {};
  assert.deepEqual(cronJobs.cells!(obj, at(60)).slice(2, 6), ['<none>', '<unset>', 0, '<none>']);
});
