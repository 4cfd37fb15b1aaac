import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration, parseSchedule, scheduleError } from './cron.js';

test('standard schedules parse into the matching minutes, hours, days', () => {
  const s = parseSchedule('*/15 9-17 * JAN-MAR mon-fri');
  assert.equal(s.kind, 'fields');
  if (s.kind !== 'fields') return;
  assert.deepEqual(s.minutes, [0, 15, 30, 45]);
  assert.deepEqual(s.hours, [9, 10, 11, 12, 13, 14, 15, 16, 17]);
  assert.deepEqual(s.months, [1, 2, 3]);
  assert.deepEqual(s.daysOfWeek, [1, 2, 3, 4, 5]);
  assert.equal(s.domStar, true);
  assert.equal(s.dowStar, false);
  const list = parseSchedule('0,30 0 1,15 * ?');
  assert.ok(list.kind === 'fields' && list.dowStar && list.daysOfMonth.join() === '1,15');
});

test('descriptors expand and @every takes a Go duration', () => {
  const hourly = parseSchedule('@hourly');
  assert.ok(hourly.kind === 'fields' && hourly.minutes.join() === '0' && hourly.hours.length === 24);
  assert.deepEqual(parseSchedule('@every 1h30m'), { kind: 'every', seconds: 5400 });
  assert.equal(parseGoDuration('1.5s'), 1.5);
});

test('errors are worded like robfig/cron', () => {
  assert.equal(scheduleError('* * * *'), 'expected exactly 5 fields, found 4: [* * * *]');
  assert.equal(scheduleError('61 * * * *'), 'end of range (61) above maximum (59): 61');
  assert.equal(scheduleError('0 0 0 * *'), 'beginning of range (0) below minimum (1): 0');
  assert.equal(scheduleError('5-1 * * * *'), 'beginning of range (5) beyond end of range (1): 5-1');
  assert.equal(scheduleError('*/0 * * * *'), 'step of range should be a positive number: */0');
  assert.equal(scheduleError('a * * * *'), 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax');
  assert.equal(scheduleError('1-2-3 * * * *'), 'too many hyphens: 1-2-3');
  assert.equal(scheduleError('@fortnightly'), 'unrecognized descriptor: @fortnightly');
  assert.equal(scheduleError('@every soon'), 'failed to parse duration @every soon: time: invalid duration "soon"');
  assert.equal(scheduleError(''), 'empty spec string');
  assert.equal(scheduleError('0 0 * * 7'), 'end of range (7) above maximum (6): 7');
  assert.equal(scheduleError('0 0 * * *'), undefined);
});
