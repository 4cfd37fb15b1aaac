import type { HostCommands } from './host-commands.js';

/**
 * Applies an nft script as one transaction (`nft -f -`): all of it lands or none of it does.
 *
 * @example
 * await applyNft(host, 'add table ip k8ts-x\nflush table ip k8ts-x\n');
 */
export async function applyNft(host: HostCommands, script: string): Promise<void> {
  await host.run('nft', ['-f', '-'], { input: script });
}

/** Removes a table if it exists (`destroy` needs nft ≥ 1.0.8, so add-then-delete instead). */
export async function deleteNftTable(host: HostCommands, family: string, table: string): Promise<void> {
  await applyNft(host, `add table ${family} ${table}\ndelete table ${family} ${table}\n`);
}

/** The names of a family's tables in this host's network namespace. */
export async function listNftTables(host: HostCommands, family = 'ip'): Promise<string[]> {
  const r = await host.run('nft', ['list', 'tables', family]);
  return r.stdout.split('\n').map((l) => /^table \S+ (\S+)/.exec(l.trim())?.[1]).filter((n): n is string => !!n);
}
