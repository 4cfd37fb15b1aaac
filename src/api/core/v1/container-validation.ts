/** Validation of one container (validateContainerCommon and the parts it calls). */
import {
  type FieldError,
  duplicate,
  forbidden,
  invalid,
  notFound,
  notSupported,
  required,
} from '../../validation/field-errors.js';
import { isDNS1123Label } from '../../validation/names.js';
import { isValidPortName, isValidPortNum, supportedProtocols, validatePortNumOrName } from '../../validation/ports.js';
import { type JsonObject, isObject, objectsOf } from './json.js';
import { validateResourceRequirements } from './resources.js';

export const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
const handlerKinds = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

function validatePorts(ports: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, p] of objectsOf(ports).entries()) {
    const f = `${field}[${i}]`;
    if (typeof p.name === 'string' && p.name !== '') {
      const msgs = isValidPortName(p.name);
      for (const m of msgs) errs.push(invalid(`${f}.name`, p.name, m));
      if (msgs.length === 0 && names.has(p.name)) errs.push(duplicate(`${f}.name`, p.name));
      names.add(p.name);
    }
    if (!p.containerPort) errs.push(required(`${f}.containerPort`));
    else for (const m of isValidPortNum(p.containerPort)) errs.push(invalid(`${f}.containerPort`, p.containerPort, m));
    if (p.hostPort) for (const m of isValidPortNum(p.hostPort)) errs.push(invalid(`${f}.hostPort`, p.hostPort, m));
    if (!p.protocol) errs.push(required(`${f}.protocol`));
    else if (!supportedProtocols.includes(p.protocol)) errs.push(notSupported(`${f}.protocol`, p.protocol, supportedProtocols));
  }
  return errs;
}

function validateEnv(env: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, e] of objectsOf(env).entries()) {
    const f = `${field}[${i}]`;
    if (!e.name) errs.push(required(`${f}.name`));
    else if (!/^[\x20-\x3c\x3e-\x7e]+$/.test(e.name)) {
      errs.push(invalid(`${f}.name`, e.name, "a valid environment variable name must consist only of printable ASCII characters other than '='"));
    }
    if (!isObject(e.valueFrom)) continue;
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'].filter((k) => isObject(e.valueFrom[k]));
    if (e.value) errs.push(invalid(`${f}.valueFrom`, '', 'may not be specified when `value` is not empty'));
    if (sources.length === 0) errs.push(invalid(`${f}.valueFrom`, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (sources.length > 1) errs.push(invalid(`${f}.valueFrom`, '', 'may not have more than one field specified at a time'));
    for (const ref of ['configMapKeyRef', 'secretKeyRef']) {
      if (isObject(e.valueFrom[ref]) && !e.valueFrom[ref].key) errs.push(required(`${f}.valueFrom.${ref}.key`));
    }
    if (isObject(e.valueFrom.fieldRef) && !e.valueFrom.fieldRef.fieldPath) errs.push(required(`${f}.valueFrom.fieldRef.fieldPath`));
  }
  return errs;
}

function validateVolumeMounts(mounts: unknown, volumes: Set<string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  for (const [i, m] of objectsOf(mounts).entries()) {
    const f = `${field}[${i}]`;
    if (!m.name) errs.push(required(`${f}.name`));
    else if (!volumes.has(m.name)) errs.push(notFound(`${f}.name`, m.name));
    if (!m.mountPath) errs.push(required(`${f}.mountPath`));
    else if (paths.has(m.mountPath)) errs.push(invalid(`${f}.mountPath`, m.mountPath, 'must be unique'));
    if (m.mountPath) paths.add(m.mountPath);
    if (typeof m.subPath === 'string' && m.subPath !== '') {
      if (m.subPath.startsWith('/')) errs.push(invalid(`${f}.subPath`, m.subPath, 'must be a relative path'));
      if (m.subPath.split('/').includes('..')) errs.push(invalid(`${f}.subPath`, m.subPath, "must not contain '..'"));
    }
  }
  return errs;
}

function validateHandler(handler: JsonObject, field: string, what: string): FieldError[] {
  const kinds = handlerKinds.filter((k) => isObject(handler[k]));
  if (kinds.length === 0) return [required(field, `must specify a ${what} type`)];
  if (kinds.length > 1) return [forbidden(`${field}.${kinds[1]}`, `may not specify more than 1 ${what} type`)];
  const errs: FieldError[] = [];
  if (isObject(handler.exec) && !Array.isArray(handler.exec.command)) errs.push(required(`${field}.exec.command`));
  for (const k of ['httpGet', 'tcpSocket']) {
    if (!isObject(handler[k])) continue;
    errs.push(...validatePortNumOrName(handler[k].port, `${field}.${k}.port`));
    if (k === 'httpGet' && handler[k].scheme && !['HTTP', 'HTTPS'].includes(handler[k].scheme)) {
      errs.push(notSupported(`${field}.${k}.scheme`, handler[k].scheme, ['HTTP', 'HTTPS']));
    }
  }
  if (isObject(handler.grpc)) {
    for (const m of isValidPortNum(handler.grpc.port)) errs.push(invalid(`${field}.grpc.port`, handler.grpc.port, m));
  }
  return errs;
}

function validateProbe(probe: unknown, field: string, mustSucceedOnce: boolean): FieldError[] {
  if (!isObject(probe)) return [];
  const errs = validateHandler(probe, field, 'handler');
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    if (typeof probe[k] === 'number' && probe[k] < 0) errs.push(invalid(`${field}.${k}`, probe[k], 'must be greater than or equal to 0'));
  }
  if (mustSucceedOnce && typeof probe.successThreshold === 'number' && probe.successThreshold !== 1) {
    errs.push(invalid(`${field}.successThreshold`, probe.successThreshold, 'must be 1'));
  }
  return errs;
}

export interface ContainerContext {
  volumes: Set<string>;
  /** Names already used by earlier containers of the pod (init and regular share one namespace). */
  names: Set<string>;
  kind: 'container' | 'initContainer';
}

/** Everything Kubernetes checks on one container, at `field` (e.g. `spec.containers[0]`). */
export function validateContainer(c: JsonObject, field: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(`${field}.name`));
  else {
    for (const m of isDNS1123Label(String(c.name))) errs.push(invalid(`${field}.name`, c.name, m));
    if (ctx.names.has(c.name)) errs.push(duplicate(`${field}.name`, c.name));
    ctx.names.add(c.name);
  }
  if (!c.image) errs.push(required(`${field}.image`));
  else if (typeof c.image === 'string' && c.image.trim() !== c.image) {
    errs.push(invalid(`${field}.image`, c.image, 'must not have leading or trailing whitespace'));
  }
  const policies = ['File', 'FallbackToLogsOnError'];
  if (c.terminationMessagePolicy && !policies.includes(c.terminationMessagePolicy)) {
    errs.push(notSupported(`${field}.terminationMessagePolicy`, c.terminationMessagePolicy, policies));
  }
  errs.push(...validatePorts(c.ports, `${field}.ports`));
  errs.push(...validateEnv(c.env, `${field}.env`));
  errs.push(...validateVolumeMounts(c.volumeMounts, ctx.volumes, `${field}.volumeMounts`));
  if (c.imagePullPolicy !== undefined && !pullPolicies.includes(c.imagePullPolicy)) {
    errs.push(c.imagePullPolicy === '' ? required(`${field}.imagePullPolicy`) : notSupported(`${field}.imagePullPolicy`, c.imagePullPolicy, pullPolicies));
  }
  errs.push(...validateResourceRequirements(c.resources, `${field}.resources`));
  const sidecar = ctx.kind === 'initContainer' && c.restartPolicy === 'Always';
  if (ctx.kind === 'container' && c.restartPolicy !== undefined) {
    errs.push(forbidden(`${field}.restartPolicy`, 'may not be set for non-init containers'));
  } else if (ctx.kind === 'initContainer' && c.restartPolicy !== undefined && !sidecar) {
    errs.push(notSupported(`${field}.restartPolicy`, c.restartPolicy, ['Always']));
  }
  if (ctx.kind === 'initContainer' && !sidecar) {
    for (const k of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (c[k] !== undefined && c[k] !== null) errs.push(forbidden(`${field}.${k}`, 'may not be set for init containers without restartPolicy=Always'));
    }
    return errs;
  }
  errs.push(...validateProbe(c.livenessProbe, `${field}.livenessProbe`, true));
  errs.push(...validateProbe(c.readinessProbe, `${field}.readinessProbe`, false));
  errs.push(...validateProbe(c.startupProbe, `${field}.startupProbe`, true));
  if (isObject(c.lifecycle)) {
    for (const hook of ['postStart', 'preStop']) {
      if (isObject(c.lifecycle[hook])) {
        const h = c.lifecycle[hook] as JsonObject;
        // A lifecycle hook may also be a sleep action.
        if (!isObject(h.sleep)) errs.push(...validateHandler(h, `${field}.lifecycle.${hook}`, 'handler'));
      }
    }
  }
  return errs;
}
