/**
 * Picks the manifest for this node from an index (multi-arch image): `linux/amd64` on an
 * x86-64 host, matching `os`/`architecture` and preferring an exact variant. Entries without
 * a platform and attestation manifests (`unknown/unknown`) are never chosen.
 */
import type { Descriptor, Platform } from './oci-types.js';

const archByNode: Record<string, { architecture: string; variant?: string }> = {
  x64: { architecture: 'amd64' },
  arm64: { architecture: 'arm64', variant: 'v8' },
  arm: { architecture: 'arm', variant: 'v7' },
  ia32: { architecture: '386' },
  ppc64: { architecture: 'ppc64le' },
  s390x: { architecture: 's390x' },
  riscv64: { architecture: 'riscv64' },
};

/** The platform of this machine, in OCI terms. */
export function hostPlatform(): Platform {
  const a = archByNode[process.arch] ?? { architecture: process.arch };
  return { os: 'linux', ...a };
}

/** `linux/amd64`, `linux/arm64/v8`. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Parses `linux/arm64/v8`. */
export function parsePlatform(s: string): Platform {
  const [os, architecture, variant] = s.split('/');
  if (!os || !architecture) throw new Error(`invalid platform ${JSON.stringify(s)}: expected os/arch[/variant]`);
  return { os, architecture, variant };
}

/**
 * The best matching descriptor, or undefined.
 *
 * @example
 * selectManifest(index.manifests, { os: 'linux', architecture: 'amd64' })
 */
export function selectManifest(manifests: Descriptor[], want: Platform): Descriptor | undefined {
  const candidates = manifests.filter((m) => m.platform && m.platform.os === want.os && m.platform.architecture === want.architecture);
  const normVariant = (v: string | undefined) => (want.architecture === 'arm64' && (v === undefined || v === '') ? 'v8' : v ?? '');
  return (
    candidates.find((m) => normVariant(m.platform!.variant) === normVariant(want.variant)) ??
    candidates.find((m) => !m.platform!.variant) ??
    candidates[0]
  );
}
