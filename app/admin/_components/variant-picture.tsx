'use client';
import { type CSSProperties, useMemo } from 'react';
import { type AdminImage, imageLabel, largeVariants, placeholderUrl, tileVariants } from '../../_lib/library';

interface Props {
  image: AdminImage;
  /** tile: the smallest variant ≥ 320 px; large: the widest ≤ 1920 px. */
  size: 'tile' | 'large';
  className?: string;
}

/** The image as <picture> (AVIF, then WebP) drawn over its ThumbHash placeholder. */
export function VariantPicture({ image, size, className }: Props) {
  const placeholder = useMemo(() => placeholderUrl(image.placeholder), [image.placeholder]);
  const { avif, webp } = size === 'tile' ? tileVariants(image.variants) : largeVariants(image.variants);
  const fallback = webp ?? avif;
  const ratio = image.width && image.height ? image.width / image.height : null;
  // --ar lets CSS size the large view to fit the viewport's height (see .detail-picture).
  const style = {
    backgroundColor: image.dominantColor ?? 'var(--line)',
    backgroundImage: placeholder ? `url(${placeholder})` : undefined,
    aspectRatio: size === 'large' && ratio ? String(ratio) : undefined,
    '--ar': ratio ?? undefined,
  } as CSSProperties;
  return (
    <div className={`picture ${className ?? ''}`} style={style}>
      {fallback && (
        <picture>
          {avif && <source type="image/avif" srcSet={avif.url} />}
          {webp && <source type="image/webp" srcSet={webp.url} />}
          <img
            src={fallback.url}
            width={fallback.width}
            height={fallback.height}
            alt={imageLabel(image)}
            loading={size === 'tile' ? 'lazy' : 'eager'}
            decoding="async"
          />
        </picture>
      )}
    </div>
  );
}
