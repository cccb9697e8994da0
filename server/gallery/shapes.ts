import { z } from 'zod';
import { imageDto, publicAlbumDto } from '../images';
import { siteSettings } from '../settings';

/** The album facts a photo page needs: where "back" goes and what the owner allows. */
export const galleryPhotoAlbum = z
  .object({ slug: z.string(), title: z.string(), allowGps: z.boolean(), allowDownload: z.boolean() })
  .meta({ id: 'GalleryPhotoAlbum' });

/** A photo with its neighbours in the album's order (createdAt desc, id desc, as the JSON API). */
export const galleryPhoto = z
  .object({ photo: imageDto, album: galleryPhotoAlbum, prevId: z.string().nullable(), nextId: z.string().nullable() })
  .meta({ id: 'GalleryPhoto' });
export type GalleryPhoto = z.infer<typeof galleryPhoto>;

/** The gallery home: site settings, public albums in the owner's order, the latest public photos. */
export const galleryHome = z
  .object({ site: siteSettings, albums: z.array(publicAlbumDto), latest: z.array(imageDto) })
  .meta({ id: 'GalleryHome' });
export type GalleryHome = z.infer<typeof galleryHome>;

/** An original a visitor may download: only from a public album that allows downloads. */
export interface PublicOriginal {
  key: string;
  mime: string;
  fileName: string;
}
