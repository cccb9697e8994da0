/** The lease-fenced preprocess queue: claims, leases, fencing, cluster duties, drivers. */
export { Queue, ShutdownSignal, type ClusterDuty, type FleetHooks, type QueueOptions } from './queue';
export { startWorker, type Worker, type WorkerOptions } from './worker';
export { startTicker } from './ticker';
export { isDue } from './cadence';
export { countJobsByStatus, readQueueDepth, countRunning, countRunningByWorker, getJob, hasLiveJob, listJobs, type JobRow } from './leases';
export * from './types';
export { jobDto, jobPage, listJobsInput, tickResult, toJobDto, type JobDto } from './dto';
