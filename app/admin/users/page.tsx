import { requireOwner } from '../../_lib/access';
import { UsersManager } from './users-manager';

/** The owner manages users; anyone else gets a 404 here. */
export default async function UsersPage() {
  await requireOwner();
  return (
    <>
      <h1>Users</h1>
      <UsersManager />
    </>
  );
}
