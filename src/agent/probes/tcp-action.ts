import { actionHost, dialErrorText, dialWithin, joinHostPort, type ActionEnv, type ActionTarget, type ProbeOutcome } from './action-env.js';
import { resolvePort, type ProbedContainer, type TcpSocketAction } from './probe-spec.js';

/**
 * A tcpSocket probe: success when a TCP connection opens within the timeout (then closed at
 * once), failure with Go's dial error otherwise.
 *
 * @example
 * await tcpSocketProbe(env, target, { port: 6379 }, container, 1000); // { result: 'success', output: '' }
 */
export async function tcpSocketProbe(env: ActionEnv, target: ActionTarget, action: TcpSocketAction, c: Pick<ProbedContainer, 'ports'>, timeoutMs: number): Promise<ProbeOutcome> {
  const host = actionHost(action.host, target);
  const port = resolvePort(action.port, c);
  try {
    const socket = await dialWithin(env, target, port, host, timeoutMs);
    socket.destroy();
    return { result: 'success', output: '' };
  } catch (err) {
    return { result: 'failure', output: dialErrorText(joinHostPort(host, port), err) };
  }
}
