import type { LogReadOptions } from '../logs/cri-log-reader.js';

/** PodLogOptions from a query string, with Kubernetes' validation messages. */
export interface PodLogQuery extends LogReadOptions {
  previous: boolean;
}

export class LogOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogOptionsError';
  }
}

function bool(q: URLSearchParams, key: string): boolean {
  const v = q.get(key);
  return v === 'true' || v === '1';
}

function int(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new LogOptionsError(`${key}: Invalid value: "${v}": must be an integer`);
  return Number(v);
}

/**
 * Parses `follow`, `previous`, `timestamps`, `tailLines`, `sinceSeconds`, `sinceTime` and
 * `limitBytes` as kubectl sends them.
 *
 * @example
 * parseLogQuery(new URLSearchParams('follow=true&tailLines=10'), Date.now()); // { follow: true, tailLines: 10, previous: false, … }
 */
export function parseLogQuery(q: URLSearchParams, now: number): PodLogQuery {
  const tailLines = int(q, 'tailLines');
  const sinceSeconds = int(q, 'sinceSeconds');
  const limitBytes = int(q, 'limitBytes');
  const sinceTime = q.get('sinceTime');
  if (tailLines !== undefined && tailLines < 0) throw new LogOptionsError('tailLines: Invalid value: must be greater than or equal to 0');
  if (limitBytes !== undefined && limitBytes < 1) throw new LogOptionsError('limitBytes: Invalid value: must be greater than 0');
  if (sinceSeconds !== undefined && sinceSeconds < 1) throw new LogOptionsError('sinceSeconds: Invalid value: must be greater than 0');
  if (sinceSeconds !== undefined && sinceTime) throw new LogOptionsError('at most one of `sinceTime` or `sinceSeconds` may be specified');
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = now - sinceSeconds * 1000;
  else if (sinceTime) {
    sinceMs = Date.parse(sinceTime);
    if (Number.isNaN(sinceMs)) throw new LogOptionsError(`sinceTime: Invalid value: "${sinceTime}": must be an RFC3339 time`);
  }
  return {
    follow: bool(q, 'follow'),
    previous: bool(q, 'previous'),
    timestamps: bool(q, 'timestamps'),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
    ...(sinceMs !== undefined ? { sinceMs } : {}),
  };
}
