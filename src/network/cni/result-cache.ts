import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../pki/atomic-write.js';
import type { CniResult } from './plugin-exec.js';

/** What an ADD produced, kept so DEL can hand it back as prevResult (libcni's result cache). */
export interface CachedAttachment {
  podUID: string;
  namespace: string;
  name: string;
  netnsPath: string;
  portMappings: unknown[];
  result: CniResult;
}

/** One JSON file per pod under `<dir>`; writes are atomic so a crash never leaves half a file. */
export class ResultCache {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private file(podUID: string): string {
    return join(this.dir, `${podUID}.json`);
  }

  get(podUID: string): CachedAttachment | undefined {
    try {
      return JSON.parse(readFileSync(this.file(podUID), 'utf8')) as CachedAttachment;
    } catch {
      return undefined;
    }
  }

  async put(entry: CachedAttachment): Promise<void> {
    await writeFileAtomic(this.file(entry.podUID), JSON.stringify(entry), { mode: 0o600 });
  }

  remove(podUID: string): void {
    rmSync(this.file(podUID), { force: true });
  }

  podUIDs(): string[] {
    return readdirSync(this.dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  }
}
