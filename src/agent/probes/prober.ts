import type { ActionEnv, ActionTarget, ProbeOutcome } from './action-env.js';
import { runInContainer } from './exec-action.js';
import { grpcProbe } from './grpc-action.js';
import { httpGetProbe } from './http-get-action.js';
import { probeTiming, probeTypeTitle, type Probe, type ProbedContainer, type ProbeType } from './probe-spec.js';
import { tcpSocketProbe } from './tcp-action.js';

/** The kubelet retries a probe that errored (could not run at all) this many times. */
const maxProbeRetries = 3;

/** A probe that could not run: its result is thrown away, as the kubelet does. */
export class ProbeError extends Error {}

/** Runs the handler of a probe once; throws ProbeError when it could not run. */
export async function runProbeOnce(env: ActionEnv, target: ActionTarget, probe: Probe, c: ProbedContainer): Promise<ProbeOutcome> {
  const timeoutMs = probeTiming(probe).timeoutSeconds * 1000;
  try {
    if (probe.exec) {
      const command = probe.exec.command ?? [];
      const r = await runInContainer(env, target, command, timeoutMs);
      // A command that cannot start is a failed probe, worded as containerd reports it
      // (`OCI runtime exec failed: exec failed: … executable file not found in $PATH: unknown`).
      if (r.kind === 'notStarted') return { result: 'failure', output: `OCI runtime exec failed: ${r.message}: unknown` };
      if (r.kind === 'timedOut') return { result: 'failure', output: `command ${JSON.stringify(command.join(' '))} timed out` };
      return { result: r.exitCode === 0 ? 'success' : 'failure', output: r.output };
    }
    if (probe.httpGet) return await httpGetProbe(env, target, probe.httpGet, c, timeoutMs);
    if (probe.tcpSocket) return await tcpSocketProbe(env, target, probe.tcpSocket, c, timeoutMs);
    if (probe.grpc) return await grpcProbe(env, target, probe.grpc, timeoutMs);
  } catch (err) {
    if (err instanceof ProbeError) throw err;
    throw new ProbeError(err instanceof Error ? err.message : String(err));
  }
  throw new ProbeError(`missing probe handler for container ${c.name}`);
}

/** What a probe run tells the worker; `undefined` output events are already recorded. */
export type ProbeVerdict = 'success' | 'failure' | 'error';

/**
 * One probe as the kubelet's prober runs it: retried while it errors, then an event for
 * anything but plain success — `Unhealthy` "Liveness probe failed: <output>", "… probe
 * errored and resulted in unknown state: …", or `ProbeWarning` for a redirect answer.
 *
 * @example
 * const v = await probeContainer(env, target, 'readiness', c, (type, reason, msg) => events.container(pod, c, type, reason, msg));
 */
export async function probeContainer(
  env: ActionEnv,
  target: ActionTarget,
  type: ProbeType,
  c: ProbedContainer,
  probe: Probe,
  record: (type: 'Normal' | 'Warning', reason: string, message: string) => void,
): Promise<ProbeVerdict> {
  const title = probeTypeTitle[type];
  let lastError = '';
  for (let i = 0; i < maxProbeRetries; i++) {
    let outcome: ProbeOutcome;
    try {
      outcome = await runProbeOnce(env, target, probe, c);
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      continue;
    }
    if (outcome.result === 'success') return 'success';
    if (outcome.result === 'warning') {
      record('Warning', 'ProbeWarning', `${title} probe warning: ${outcome.output}`);
      return 'success';
    }
    record('Warning', 'Unhealthy', `${title} probe failed: ${outcome.output}`);
    return 'failure';
  }
  record('Warning', 'Unhealthy', `${title} probe errored and resulted in unknown state: ${lastError}`);
  return 'error';
}
