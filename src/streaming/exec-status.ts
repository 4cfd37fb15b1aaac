/**
 * The metav1.Status a remote command ends with. kubectl reads it from the error stream:
 * `NonZeroExitCode` with an `ExitCode` cause becomes `command terminated with exit code N`
 * (and kubectl's own exit code); anything else is printed as an error. Field order matches
 * Go's JSON encoding of metav1.Status.
 */

export interface ExecStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: { reason?: string; message: string }[] };
  code?: number;
}

/** How a remote command ended. */
export type CommandOutcome =
  | { kind: 'exited'; exitCode: number }
  /** The command could not run (not found, runtime failure …): an InternalError. */
  | { kind: 'failed'; message: string };

export function successStatus(): ExecStatus {
  return { metadata: {}, status: 'Success' };
}

/** The Status for a finished command; `command` is quoted in the message as the kubelet does. */
export function outcomeStatus(outcome: CommandOutcome, command: readonly string[]): ExecStatus {
  if (outcome.kind === 'failed') return internalErrorStatus(outcome.message);
  if (outcome.exitCode === 0) return successStatus();
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${outcome.exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(outcome.exitCode) }] },
  };
}

/** An InternalError Status (apierrors.NewInternalError). */
export function internalErrorStatus(message: string): ExecStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}
