import { JobsMonitor } from './jobs-monitor';

export default function JobsPage() {
  return (
    <>
      <h1>Jobs</h1>
      <JobsMonitor />
    </>
  );
}
