import { createRouter } from '../router';
import { createAlbumHandler, createAlbumRoute } from './create-album';
import { deleteAlbumHandler, deleteAlbumRoute } from './delete-album';
import { getAlbumHandler, getAlbumRoute } from './get-album';
import { listAlbumsHandler, listAlbumsRoute } from './list-albums';
import { updateAlbumHandler, updateAlbumRoute } from './update-album';

/** /admin/albums: list, create, read, edit (cover, order, visibility) and delete albums. */
export const albumsRoutes = createRouter()
  .openapi(listAlbumsRoute, listAlbumsHandler)
  .openapi(createAlbumRoute, createAlbumHandler)
  .openapi(getAlbumRoute, getAlbumHandler)
  .openapi(updateAlbumRoute, updateAlbumHandler)
  .openapi(deleteAlbumRoute, deleteAlbumHandler);
