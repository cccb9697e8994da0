import Link from 'next/link';
import { type AdminImage, imageLabel } from '../../_lib/library';
import { StatusBadge } from '../_components/status-badge';
import { VariantPicture } from '../_components/variant-picture';

export function ImageTile({ image }: { image: AdminImage }) {
  return (
    <Link
      href={`/admin/library/${encodeURIComponent(image.id)}`}
      className="tile"
      data-testid={`tile-${image.id}`}
      data-status={image.status}
    >
      <VariantPicture image={image} size="tile" />
      {image.status !== 'ready' && (
        <span className="tile-badge">
          <StatusBadge status={image.status} />
        </span>
      )}
      <span className="tile-title">{imageLabel(image)}</span>
    </Link>
  );
}
