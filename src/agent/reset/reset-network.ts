import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../util/log.js';
import { nodeNetworkRecordPath, readNodeNetworkRecord } from '../network/node-network-hook.js';

/**
 * Removes the node networking an agent recorded in its data dir (bridge, host-gw routes,
 * k8ts nft tables, CNI state), in the network namespace it ran in. Pods must be gone first.
 * Returns whether there was any to remove.
 *
 * @example
 * await resetRecordedNodeNetwork('/var/lib/k8ts/agent');
 */
export async function resetRecordedNodeNetwork(agentDir: string, log?: Logger): Promise<boolean> {
  const record = readNodeNetworkRecord(agentDir);
  if (!record) return false;
  if (record.backend !== 'none') {
    // A node namespace deleted since took everything inside it along; only the state is left.
    if (record.netns && !existsSync(join('/var/run/netns', record.netns))) {
      rmSync(join(agentDir, 'cni'), { recursive: true, force: true });
    } else {
      const [{ resetNodeNetworking }, { HostCommands }] = await Promise.all([import('../../network/node-networking.js'), import('../../network/host/host-commands.js')]);
      await resetNodeNetworking(new HostCommands(record.netns), agentDir).catch((err) => log?.warn({ err }, 'could not remove the node network'));
    }
  }
  rmSync(nodeNetworkRecordPath(agentDir), { force: true });
  return record.backend !== 'none';
}
