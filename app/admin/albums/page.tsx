import { AlbumsManager } from './albums-manager';

export default function AlbumsPage() {
  return (
    <>
      <h1>Albums</h1>
      <AlbumsManager />
    </>
  );
}
