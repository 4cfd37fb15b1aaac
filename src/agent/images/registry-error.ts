/**
 * Errors a registry answered with. The distribution API returns
 * `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":…}]}`; the
 * text users see is formatted as Docker formats it: `manifest unknown: manifest unknown`.
 */
import { statusText } from './registry-auth.js';

export interface RegistryErrorEntry {
  code: string;
  message: string;
}

export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly errors: RegistryErrorEntry[],
    readonly url: string,
  ) {
    super(describe(status, errors));
    this.name = 'RegistryError';
  }

  /** True when the registry says the thing does not exist (404 or a *_UNKNOWN code). */
  get notFound(): boolean {
    return this.status === 404 || this.errors.some((e) => /_UNKNOWN$/.test(e.code));
  }

  get unauthorized(): boolean {
    return this.status === 401 || this.status === 403 || this.errors.some((e) => e.code === 'UNAUTHORIZED' || e.code === 'DENIED');
  }
}

/** Builds a RegistryError from a response body (JSON errors when the registry sent them). */
export function registryError(status: number, body: Buffer, url: string): RegistryError {
  let errors: RegistryErrorEntry[] = [];
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
    if (Array.isArray(doc.errors)) {
      errors = doc.errors.map((e) => ({ code: String(e.code ?? 'UNKNOWN'), message: String(e.message ?? '') }));
    }
  } catch {
    // not JSON: fall back to the status line
  }
  return new RegistryError(status, errors, url);
}

function describe(status: number, errors: RegistryErrorEntry[]): string {
  if (errors.length === 0) return `unexpected status ${status} ${statusText(status)}`.trim();
  return errors.map((e) => `${e.code.toLowerCase().replace(/_/g, ' ')}: ${e.message}`).join('; ');
}
