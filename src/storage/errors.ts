/** Errors a Store throws; the API layer maps them onto metav1.Status. */
export class StorageError extends Error {
  constructor(message: string, readonly key: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class KeyExistsError extends StorageError {
  constructor(key: string) {
    super(`key exists: ${key}`, key);
  }
}

export class KeyNotFoundError extends StorageError {
  constructor(key: string) {
    super(`key not found: ${key}`, key);
  }
}

export class RevisionConflictError extends StorageError {
  constructor(key: string, readonly expected: number, readonly actual: number) {
    super(`revision conflict on ${key}: expected ${expected}, found ${actual}`, key);
  }
}

/** The requested revision was compacted away. */
export class CompactedError extends StorageError {
  constructor(readonly requested: number, readonly compacted: number) {
    super(`revision ${requested} has been compacted (oldest is ${compacted})`, '');
  }
}

/** The requested revision is newer than the store's current revision (etcd's ErrFutureRev). */
export class FutureRevisionError extends StorageError {
  constructor(readonly requested: number, readonly current: number) {
    super(`revision ${requested} is in the future (current is ${current})`, '');
  }
}
