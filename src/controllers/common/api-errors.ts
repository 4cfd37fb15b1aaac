import { ApiError } from '../../apiserver/errors.js';

/** The object is gone (404). */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}

/** 409: another writer got in first (Conflict) or the name is taken (AlreadyExists). */
export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409 && err.reason === 'Conflict';
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409 && err.reason === 'AlreadyExists';
}

/** Writes refused because the namespace is being deleted (NamespaceTerminating cause). */
export function isNamespaceTerminating(err: unknown): boolean {
  return err instanceof ApiError && (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

/** The message a Go client prints for an error (`err.Error()`). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
