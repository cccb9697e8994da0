import { requireAdmin } from '../../_lib/access';
import { JobsMonitor } from './jobs-monitor';

export default async function JobsPage() {
  await requireAdmin();
  return (
    <>
      <h1>Jobs</h1>
      <JobsMonitor />
    </>
  );
}
