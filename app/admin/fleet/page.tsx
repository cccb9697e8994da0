import { FleetMonitor } from './fleet-monitor';

export default function FleetPage() {
  return (
    <>
      <h1>Fleet</h1>
      <FleetMonitor />
    </>
  );
}
