/**
 * The visitors' gallery pages read here: home, album pages, photos with their neighbours, each
 * through the shared public cache (invalidated by every admin write on every replica), and
 * the originals a visitor may download.
 */
export { ALBUM_PAGE_SIZE, getGalleryAlbum, type GalleryAlbumPage } from './album';
export type { GalleryContext } from './context';
export { getGalleryHome, getGallerySite, HOME_ALBUM_LIMIT, HOME_LATEST_LIMIT } from './home';
export { getPublicOriginal, getSharedOriginal } from './original';
export { getGalleryPhoto } from './photo';
export { galleryHome, galleryPhoto, galleryPhotoAlbum, type GalleryHome, type GalleryPhoto, type PublicOriginal } from './shapes';
