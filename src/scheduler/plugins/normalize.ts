import type { NodeScore } from '../framework/interfaces.js';

/**
 * DefaultNormalizeScore: scales scores to 0..max by the highest one (integer division, as Go
 * does); `reverse` turns "fewer is better" counts into scores. All zero: 0, or max reversed.
 */
export function defaultNormalizeScore(max: number, reverse: boolean, scores: NodeScore[]): void {
  let top = 0;
  for (const s of scores) if (s.score > top) top = s.score;
  if (top === 0) {
    if (reverse) for (const s of scores) s.score = max;
    return;
  }
  for (const s of scores) {
    const v = Math.trunc((max * s.score) / top);
    s.score = reverse ? max - v : v;
  }
}
