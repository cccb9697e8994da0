import type { Metadata } from 'next';
import { altText, type GalleryImage, variantUpTo } from './present';

/** Link previews: Open Graph and a large Twitter card, with an absolute URL of a ~1200 px variant. */
export function previewMetadata(input: { title: string; description: string; path: string; image: GalleryImage | undefined; baseUrl: string }): Metadata {
  const variant = input.image ? variantUpTo(input.image.variants, 1280) : undefined;
  const image = variant && input.image ? { url: new URL(variant.url, input.baseUrl).toString(), width: variant.width, height: variant.height, alt: altText(input.image) } : undefined;
  const url = new URL(input.path, input.baseUrl).toString();
  return {
    title: input.title,
    description: input.description,
    alternates: { canonical: url },
    openGraph: { type: 'website', title: input.title, description: input.description, url, images: image ? [image] : undefined },
    twitter: { card: 'summary_large_image', title: input.title, description: input.description, images: image ? [image.url] : undefined },
  };
}
