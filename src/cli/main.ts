import { Command } from 'commander';
import { k8tsVersion, versionInfo } from '../apiserver/version.js';
import { serverCommand } from './server-command.js';
import { agentCommand } from './agent-command.js';
import { resetCommand } from './reset-command.js';
import { imageCommand } from './image-command.js';

/** The `k8ts` command line. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('k8ts')
    .description('k8ts: Kubernetes in TypeScript — a real cluster in one program')
    .version(`k8ts version v${k8tsVersion} (Kubernetes ${versionInfo().gitVersion.split('+')[0]})`, '-v, --version')
    .showHelpAfterError()
    .addCommand(serverCommand())
    .addCommand(agentCommand())
    .addCommand(imageCommand())
    .addCommand(resetCommand());
  await program.parseAsync(argv);
}
