import { requireAdmin } from '../../_lib/access';
import { FleetMonitor } from './fleet-monitor';

export default async function FleetPage() {
  await requireAdmin();
  return (
    <>
      <h1>Fleet</h1>
      <FleetMonitor />
    </>
  );
}
