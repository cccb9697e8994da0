'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api, call } from '../../../_lib/api';
import { type AdminImage, type Album, errorMessage, imageLabel, isDeveloping } from '../../../_lib/library';
import { useLoad } from '../../../_lib/use-load';
import { usePolling } from '../../../_lib/use-polling';
import { StatusBadge } from '../../_components/status-badge';
import { VariantPicture } from '../../_components/variant-picture';
import { ImageEditForm } from './image-edit-form';
import { ImageFacts } from './image-facts';

const byId = api.admin.images[':id'];

export function ImageDetail({ id }: { id: string }) {
  const router = useRouter();
  const [image, setImage] = useState<AdminImage | null>(null);
  const [albums, setAlbums] = useState<Album[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'reprocess' | 'delete' | null>(null);

  useLoad(() => Promise.all([call(byId.$get({ param: { id } })), call(api.admin.albums.$get())]), {
    key: id,
    onLoad: ([loaded, albumPage]) => {
      setImage(loaded);
      setAlbums(albumPage.items);
    },
    onError: (e) => setLoadError(errorMessage(e, 'Could not load the photo')),
  });

  // While it is being developed, watch it become ready (or fail).
  usePolling(
    async (signal) => {
      const fresh = await call(byId.$get({ param: { id } }));
      if (!signal.aborted) setImage(fresh);
    },
    2000,
    image !== null && isDeveloping(image.status),
  );

  async function reprocess() {
    setBusy('reprocess');
    setError(null);
    try {
      setImage(await call(byId.reprocess.$post({ param: { id } })));
    } catch (e) {
      setError(errorMessage(e, 'Could not queue the photo'));
    } finally {
      setBusy(null);
    }
  }

  async function remove(target: AdminImage) {
    if (!window.confirm(`Delete “${imageLabel(target)}”? The original and every variant are removed. This cannot be undone.`)) return;
    setBusy('delete');
    setError(null);
    try {
      await call(byId.$delete({ param: { id } }));
      router.push('/admin/library');
    } catch (e) {
      setError(errorMessage(e, 'Could not delete the photo'));
      setBusy(null);
    }
  }

  if (!image) {
    return (
      <>
        <p><Link href="/admin/library">← Library</Link></p>
        {loadError ? <p className="error" role="alert">{loadError}</p> : <p className="muted">Loading…</p>}
      </>
    );
  }

  return (
    <>
      <p><Link href="/admin/library">← Library</Link></p>
      <div className="row detail-head">
        <h1>{imageLabel(image)}</h1>
        <StatusBadge status={image.status} />
        <span className="spacer" />
        <button type="button" className="secondary" onClick={reprocess} disabled={busy !== null || isDeveloping(image.status)}>
          {busy === 'reprocess' ? 'Queuing…' : 'Develop again'}
        </button>
        <button type="button" className="danger" onClick={() => remove(image)} disabled={busy !== null}>
          {busy === 'delete' ? 'Deleting…' : 'Delete'}
        </button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      <VariantPicture image={image} size="large" className="detail-picture" />
      {image.variants.length === 0 && (
        <p className="muted">{isDeveloping(image.status) ? 'Developing… the variants appear when it is ready.' : 'No variants.'}</p>
      )}
      <div className="detail-columns">
        <ImageFacts image={image} />
        <section aria-labelledby="edit-heading">
          <h2 id="edit-heading">Details</h2>
          <ImageEditForm image={image} albums={albums} onSaved={setImage} />
        </section>
      </div>
    </>
  );
}
