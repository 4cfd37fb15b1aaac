/**
 * The closed set of results a scheduler plugin returns (framework.Code). Success is `null`
 * in hot paths (Filter, PreFilter, Reserve) so a passing node allocates nothing.
 */
export type StatusCode =
  | 'Success'
  | 'Error'
  /** The node does not fit now; preemption may help. */
  | 'Unschedulable'
  /** The node does not fit and preemption cannot change that. */
  | 'UnschedulableAndUnresolvable'
  | 'Wait'
  /** The plugin has nothing to do for this pod (PreFilter/PreScore): its later stages are skipped. */
  | 'Skip'
  /** The pod waits for something outside the scheduler. */
  | 'Pending';

/**
 * A plugin's verdict with the reasons users read (`Insufficient cpu`), and which plugin said it.
 *
 * @example
 * return Status.unschedulable('Insufficient cpu', 'Insufficient memory');
 */
export class Status {
  plugin = '';

  constructor(
    readonly code: StatusCode,
    readonly reasons: string[] = [],
  ) {}

  static unschedulable(...reasons: string[]): Status {
    return new Status('Unschedulable', reasons);
  }

  static unresolvable(...reasons: string[]): Status {
    return new Status('UnschedulableAndUnresolvable', reasons);
  }

  static error(message: string): Status {
    return new Status('Error', [message]);
  }

  static skip(): Status {
    return new Status('Skip');
  }

  /** Names the plugin (the framework does this for every status it passes on). */
  withPlugin(plugin: string): Status {
    this.plugin = plugin;
    return this;
  }

  get message(): string {
    return this.reasons.join(', ');
  }

  /** Unschedulable or UnschedulableAndUnresolvable: the pod does not fit (not an error). */
  get rejected(): boolean {
    return this.code === 'Unschedulable' || this.code === 'UnschedulableAndUnresolvable';
  }
}

/** `null` means Success. */
export type MaybeStatus = Status | null;

export function isSuccess(s: MaybeStatus): boolean {
  return s === null || s.code === 'Success';
}
