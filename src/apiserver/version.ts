import { readFileSync } from 'node:fs';

/** The Kubernetes version k8ts implements; kubectl's dispatcher picks its client from the minor. */
export const KUBERNETES_MAJOR = '1';
export const KUBERNETES_MINOR = '33';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The /version document (version.Info). */
export function versionInfo() {
  return {
    major: KUBERNETES_MAJOR,
    minor: KUBERNETES_MINOR,
    gitVersion: `v${KUBERNETES_MAJOR}.${KUBERNETES_MINOR}.0+k8ts.${pkg.version}`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

export const k8tsVersion = pkg.version;
