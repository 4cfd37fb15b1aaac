import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, formatMicroTime, formatTime, parseDuration, parseTimestamp } from './time.js';

describe('metav1 time forms', () => {
  it('parses RFC 3339 with zones and fractions', () => {
    assert.deepEqual(parseTimestamp('2024-01-02T03:04:05Z'), { seconds: 1704164645, nanos: 0 });
    assert.deepEqual(parseTimestamp('2024-01-02T04:04:05.5+01:00'), { seconds: 1704164645, nanos: 500_000_000 });
    assert.deepEqual(parseTimestamp('0001-01-01T00:00:00Z'), { seconds: -62135596800, nanos: 0 });
    assert.throws(() => parseTimestamp('2024-01-02'));
  });

  it('formats Time and MicroTime in UTC', () => {
    assert.equal(formatTime(1704164645), '2024-01-02T03:04:05Z');
    assert.equal(formatMicroTime({ seconds: 1704164645, nanos: 1_999 }), '2024-01-02T03:04:05.000001Z');
  });
});

describe('metav1.Duration', () => {
  const cases: [string, number][] = [
    ['0s', 0],
    ['1h0m0s', 3600e9],
    ['1h30m0s', 5400e9],
    ['1m1.5s', 61.5e9],
    ['1.5s', 1.5e9],
    ['100ms', 100e6],
    ['2µs', 2e3],
    ['7ns', 7],
    ['-2s', -2e9],
  ];
  for (const [text, nanos] of cases) {
    it(text, () => {
      assert.equal(formatDuration(nanos), text);
      assert.equal(parseDuration(text), nanos);
    });
  }
  it('accepts other spellings Go accepts', () => {
    assert.equal(parseDuration('90m'), 5400e9);
    assert.equal(parseDuration('1h2m3s4ms'), 3723.004e9);
    assert.equal(parseDuration('2us'), 2e3);
    assert.throws(() => parseDuration('ten seconds'));
    assert.throws(() => parseDuration(''));
  });
});
