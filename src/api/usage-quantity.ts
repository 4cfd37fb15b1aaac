/**
 * Quantities of measured usage as Kubernetes components print them: CPU from nanocores
 * (resource.NewScaledQuantity(n, -9)) and bytes as a BinarySI quantity
 * (resource.NewQuantity(n, BinarySI)).
 */

/** CPU in nanocores, in the shortest exact suffix: `150000000` → `150m`, `2155839` → `2155839n`. */
export function cpuQuantity(nanoCores: number): string {
  let n = Math.max(0, Math.round(nanoCores));
  if (n === 0) return '0';
  for (const suffix of ['n', 'u', 'm']) {
    if (n % 1000 !== 0) return `${n}${suffix}`;
    n /= 1000;
  }
  return String(n);
}

/** Bytes with the largest power-of-1024 suffix that divides exactly: `5275648` → `5152Ki`, `1000` → `1000`. */
export function memoryQuantity(bytes: number): string {
  let n = Math.max(0, Math.round(bytes));
  const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
  let i = 0;
  while (n >= 1024 && n % 1024 === 0 && i < suffixes.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n}${suffixes[i]}`;
}
