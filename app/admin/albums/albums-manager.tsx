'use client';
import { useState } from 'react';
import { type AlbumPatch, api, call } from '../../_lib/api';
import { type Album, errorMessage } from '../../_lib/library';
import { useAlbums } from '../../_lib/use-albums';
import { AlbumCreateForm } from './album-create-form';
import { AlbumRow } from './album-row';

const patchAlbum = (id: string, json: AlbumPatch) => call(api.admin.albums[':id'].$patch({ param: { id }, json }));

export function AlbumsManager() {
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  const { albums, setAlbums, error, setError } = useAlbums(version);

  /** Runs an API call, shows its error, reloads the list either way. True when it worked. */
  async function run(action: () => Promise<unknown>, failure: string): Promise<boolean> {
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(errorMessage(e, failure));
      return false;
    } finally {
      reload();
    }
  }

  const update = (album: Album, patch: AlbumPatch) =>
    run(() => patchAlbum(album.id, patch), `Could not update “${album.title}”`);

  async function remove(album: Album) {
    const photos = album.imageCount === 1 ? '1 photo stays' : `${album.imageCount} photos stay`;
    if (!window.confirm(`Delete the album “${album.title}”? Its ${photos} in the library.`)) return;
    await run(() => call(api.admin.albums[':id'].$delete({ param: { id: album.id } })), `Could not delete “${album.title}”`);
  }

  /** Swaps two neighbours, then writes 0..n-1 to every album whose position is off. */
  async function move(index: number, delta: -1 | 1) {
    if (!albums) return;
    const order = [...albums];
    const [a, b] = [order[index], order[index + delta]];
    if (!a || !b) return;
    order[index] = b;
    order[index + delta] = a;
    const changed = order.flatMap((album, position) => (album.position === position ? [] : [{ album, position }]));
    setAlbums(order.map((album, position) => ({ ...album, position })));
    await run(
      () => Promise.all(changed.map(({ album, position }) => patchAlbum(album.id, { position }))),
      'Could not change the order',
    );
  }

  return (
    <>
      {error && <p className="error" role="alert">{error}</p>}
      <table>
        <thead>
          <tr><th>#</th><th>Title</th><th>Slug</th><th>Visibility</th><th>Photos</th><th><span className="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          {albums === null && !error && <tr><td colSpan={6}>Loading…</td></tr>}
          {albums?.length === 0 && <tr><td colSpan={6} className="empty">No albums yet — create one below.</td></tr>}
          {albums?.map((album, index) => (
            <AlbumRow
              key={album.id}
              album={album}
              first={index === 0}
              last={index === albums.length - 1}
              onMove={(delta) => move(index, delta)}
              onUpdate={(patch) => update(album, patch)}
              onDelete={() => remove(album)}
            />
          ))}
        </tbody>
      </table>

      <h2>New album</h2>
      <AlbumCreateForm onCreated={reload} />
    </>
  );
}
