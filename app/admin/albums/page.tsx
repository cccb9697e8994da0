import { requireAdmin } from '../../_lib/access';
import { AlbumsManager } from './albums-manager';

export default async function AlbumsPage() {
  await requireAdmin();
  return (
    <>
      <h1>Albums</h1>
      <AlbumsManager />
    </>
  );
}
