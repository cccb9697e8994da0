import { createRouter } from '../router';
import { deleteImageHandler, deleteImageRoute } from './delete-image';
import { getImageHandler, getImageRoute } from './get-image';
import { listImagesHandler, listImagesRoute } from './list-images';
import { reprocessImageHandler, reprocessImageRoute } from './reprocess-image';
import { updateImageHandler, updateImageRoute } from './update-image';
import { uploadImagesHandler, uploadImagesRoute } from './upload-images';

/** /admin/images: upload photos, browse the library, edit, delete and develop again. */
export const imagesRoutes = createRouter()
  .openapi(uploadImagesRoute, uploadImagesHandler)
  .openapi(listImagesRoute, listImagesHandler)
  .openapi(getImageRoute, getImageHandler)
  .openapi(updateImageRoute, updateImageHandler)
  .openapi(deleteImageRoute, deleteImageHandler)
  .openapi(reprocessImageRoute, reprocessImageHandler);
