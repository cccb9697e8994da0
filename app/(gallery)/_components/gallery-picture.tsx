import type { CSSProperties } from 'react';
import { altText, aspectRatio, type GalleryImage, placeholderDataUrl, srcSet, variantUpTo } from '../_lib/present';

export interface GalleryPictureProps {
  image: GalleryImage;
  /** The `sizes` attribute: how wide the picture is drawn. */
  sizes: string;
  /** Above the fold: load at once (else lazily). */
  eager?: boolean;
  /** The LCP candidate: fetchpriority="high". */
  priority?: boolean;
  className?: string;
}

/**
 * A developed photo as <picture> (AVIF, then WebP srcset; never the original) over its
 * ThumbHash placeholder, which is part of the HTML and so painted before any image byte.
 * The box takes the photo's aspect ratio, so nothing moves when the bytes arrive.
 */
export function GalleryPicture({ image, sizes, eager = false, priority = false, className }: GalleryPictureProps) {
  const placeholder = placeholderDataUrl(image.placeholder);
  const fallback = variantUpTo(image.variants, 1280);
  const ratio = aspectRatio(image);
  const avif = srcSet(image.variants, 'avif');
  const webp = srcSet(image.variants, 'webp');
  const style = {
    aspectRatio: String(ratio),
    '--ar': ratio,
    backgroundColor: image.dominantColor ?? undefined,
    backgroundImage: placeholder ? `url(${placeholder})` : undefined,
  } as CSSProperties;
  return (
    <span className={`g-picture ${className ?? ''}`} style={style} data-testid="gallery-picture">
      {fallback && (
        <picture>
          {avif && <source type="image/avif" srcSet={avif} sizes={sizes} />}
          {webp && <source type="image/webp" srcSet={webp} sizes={sizes} />}
          <img
            src={fallback.url}
            width={image.width ?? fallback.width}
            height={image.height ?? fallback.height}
            alt={altText(image)}
            loading={eager ? 'eager' : 'lazy'}
            decoding="async"
            fetchPriority={priority ? 'high' : undefined}
          />
        </picture>
      )}
    </span>
  );
}
