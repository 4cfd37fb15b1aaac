import type { ImageConfig } from '../images/image-service.js';

/**
 * Expands `$(VAR)` references with the container's environment as Kubernetes does: `$$`
 * escapes a `$`, unknown references stay as written.
 *
 * @example
 * expandVars('echo $(GREETING) $$(HOME) $(NOPE)', { GREETING: 'hi' }); // 'echo hi $(HOME) $(NOPE)'
 */
export function expandVars(input: string, vars: Record<string, string>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1]!;
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close > 0) {
        const name = input.slice(i + 2, close);
        if (Object.hasOwn(vars, name)) {
          out += vars[name];
          i = close;
          continue;
        }
        out += input.slice(i, close + 1);
        i = close;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

/**
 * The process a container runs, as the kubelet and runtime merge pod and image: `command`
 * replaces the image ENTRYPOINT (and then the image CMD is dropped), `args` replaces CMD;
 * `$(VAR)` references are expanded.
 *
 * @example
 * containerArgv({ args: ['-c', 'echo $(X)'] }, { entrypoint: ['sh'], cmd: ['-i'] }, { X: '1' }); // ['sh', '-c', 'echo 1']
 */
export function containerArgv(
  container: { command?: string[]; args?: string[] },
  image: ImageConfig,
  env: Record<string, string>,
): string[] {
  const command = container.command?.length ? container.command.map((c) => expandVars(c, env)) : undefined;
  const args = container.args?.length ? container.args.map((a) => expandVars(a, env)) : undefined;
  if (command) return [...command, ...(args ?? [])];
  return [...(image.entrypoint ?? []), ...(args ?? image.cmd ?? [])];
}
