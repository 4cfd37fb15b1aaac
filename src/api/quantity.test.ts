import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalQuantity, compareQuantities, parseQuantity, quantityToNumber, QuantityParseError } from './quantity.js';

describe('quantity', () => {
  it('parses every suffix family exactly', () => {
    assert.equal(compareQuantities(parseQuantity('1000m'), parseQuantity('1')), 0);
    assert.equal(compareQuantities(parseQuantity('1Gi'), parseQuantity('1024Mi')), 0);
    assert.equal(compareQuantities(parseQuantity('1e3'), parseQuantity('1k')), 0);
    assert.equal(compareQuantities(parseQuantity('0.5'), parseQuantity('500m')), 0);
    assert.equal(compareQuantities(parseQuantity('1.5Gi'), parseQuantity('1536Mi')), 0);
    assert.equal(quantityToNumber(parseQuantity('128Mi')), 134217728);
    assert.equal(compareQuantities(parseQuantity('-1'), parseQuantity('0')), -1);
  });

  it('rejects what is not a quantity', () => {
    for (const bad of ['', 'abc', '1.2.3', '1 Gi', '1Xi', 'e3', '1e']) assert.throws(() => parseQuantity(bad), QuantityParseError, bad);
  });

  it('prints the canonical form', () => {
    const cases: [string, string][] = [
      ['1000m', '1'], ['1500m', '1500m'], ['0.5', '500m'], ['2000', '2k'], ['1200', '1200'],
      ['1024Mi', '1Gi'], ['1.5Gi', '1536Mi'], ['1000Mi', '1000Mi'], ['512', '512'], ['0.5Ki', '512'],
      ['1e3', '1e3'], ['0', '0'], ['0Gi', '0'], ['-100m', '-100m'], ['1n', '1n'], ['0.1n', '1n'],
    ];
    for (const [input, want] of cases) assert.equal(canonicalQuantity(input), want, input);
  });
});
