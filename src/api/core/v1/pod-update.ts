/**
 * ValidatePodUpdate's spec rule: a running pod's spec is fixed except for container images,
 * a shorter activeDeadlineSeconds, added tolerations, removed scheduling gates and a negative
 * grace period raised to 1. Anything else is the one Forbidden error kubectl users know.
 */
import { type FieldError, forbidden, invalid } from '../../validation/field-errors.js';
import { type JsonObject, clone, jsonEqual, objectOr, objectsOf } from './json.js';

const podUpdateMessage =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function copyImages(from: unknown, to: unknown): void {
  const src = objectsOf(from);
  objectsOf(to).forEach((c, i) => {
    if (src[i] && 'image' in src[i]!) c.image = src[i]!.image;
  });
}

/** Old tolerations must all still be present (a NoExecute toleration may only shorten). */
function tolerationsOnlyAdded(oldList: JsonObject[], newList: JsonObject[]): boolean {
  return oldList.every((o) =>
    newList.some((n) => {
      const { tolerationSeconds: os, ...oRest } = o;
      const { tolerationSeconds: ns, ...nRest } = n;
      if (!jsonEqual(oRest, nRest)) return false;
      if (os === undefined || os === null) return ns === undefined || ns === null;
      return typeof ns === 'number' && ns <= os;
    }),
  );
}

export function validatePodSpecUpdate(newPod: JsonObject, oldPod: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const newSpec = objectOr(newPod.spec);
  const oldSpec = objectOr(oldPod.spec);
  // Compare the new spec with the old one after copying over every field that may change.
  const munged = clone(newSpec);
  copyImages(oldSpec.containers, munged.containers);
  copyImages(oldSpec.initContainers, munged.initContainers);
  copyImages(oldSpec.ephemeralContainers, munged.ephemeralContainers);

  const oldDeadline = oldSpec.activeDeadlineSeconds;
  const newDeadline = newSpec.activeDeadlineSeconds;
  if (newDeadline !== undefined && newDeadline !== null) {
    if (oldDeadline === undefined || oldDeadline === null || (newDeadline > 0 && newDeadline <= oldDeadline)) {
      munged.activeDeadlineSeconds = oldDeadline;
    } else if (newDeadline > oldDeadline) {
      errs.push(invalid('spec.activeDeadlineSeconds', newDeadline, 'must be less than or equal to previous value'));
      munged.activeDeadlineSeconds = oldDeadline;
    }
  }
  if (tolerationsOnlyAdded(objectsOf(oldSpec.tolerations), objectsOf(newSpec.tolerations))) munged.tolerations = oldSpec.tolerations;
  const oldGates = objectsOf(oldSpec.schedulingGates);
  const newGates = objectsOf(newSpec.schedulingGates);
  if (newGates.every((g) => oldGates.some((o) => jsonEqual(o, g)))) munged.schedulingGates = oldSpec.schedulingGates;
  if (typeof oldSpec.terminationGracePeriodSeconds === 'number' && oldSpec.terminationGracePeriodSeconds < 0 && newSpec.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  for (const key of Object.keys(munged)) if (munged[key] === undefined) delete munged[key];
  if (!jsonEqual(munged, oldSpec)) errs.push(forbidden('spec', podUpdateMessage));
  return errs;
}
