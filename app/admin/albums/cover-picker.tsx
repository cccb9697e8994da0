'use client';
import { useState } from 'react';
import { api, call } from '../../_lib/api';
import { type AdminImage, errorMessage, imageLabel } from '../../_lib/library';
import { useLoad } from '../../_lib/use-load';
import { VariantPicture } from '../_components/variant-picture';

interface Props {
  albumId: string;
  value: string | null;
  onChange: (imageId: string | null) => void;
}

/** Radio buttons over the album's ready, public photos (the only covers the API accepts). */
export function CoverPicker({ albumId, value, onChange }: Props) {
  const [images, setImages] = useState<AdminImage[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useLoad(() => call(api.admin.images.$get({ query: { albumId, status: 'ready', limit: 100 } })), {
    key: albumId,
    onLoad: (page) => {
      setImages(page.items.filter((image) => image.visibility === 'public'));
      setMore(page.nextCursor !== null);
    },
    onError: (e) => setError(errorMessage(e, 'Could not load the album’s photos')),
  });

  return (
    <fieldset className="cover-picker">
      <legend>Cover</legend>
      {error && <p className="error" role="alert">{error}</p>}
      {images === null && !error && <p className="muted">Loading photos…</p>}
      {images?.length === 0 && <p className="muted">No ready public photos in this album yet; add some from a photo’s page.</p>}
      <div className="covers">
        <label className={`cover none${value === null ? ' selected' : ''}`}>
          <input type="radio" name="cover" checked={value === null} onChange={() => onChange(null)} className="visually-hidden" />
          No cover
        </label>
        {images?.map((image) => (
          <label key={image.id} className={`cover${value === image.id ? ' selected' : ''}`}>
            <input type="radio" name="cover" value={image.id} checked={value === image.id} onChange={() => onChange(image.id)} className="visually-hidden" />
            <VariantPicture image={image} size="tile" />
            <span className="visually-hidden">{imageLabel(image)}</span>
          </label>
        ))}
      </div>
      {more && <p className="muted small">Showing the newest 100 photos.</p>}
    </fieldset>
  );
}
