import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { cronJobs } from './cronjob.js';
import { jobs } from './job.js';

/** Every batch/v1 resource k8ts serves. */
export const batchV1: ResourceDefinition[] = [cronJobs, jobs];
