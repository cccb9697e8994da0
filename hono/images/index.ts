import { createRouter } from '../router';
import { checkImagesHandler, checkImagesRoute } from './check-images';
import { deleteImageHandler, deleteImageRoute } from './delete-image';
import { getImageHandler, getImageRoute } from './get-image';
import { listImagesHandler, listImagesRoute } from './list-images';
import { reprocessImageHandler, reprocessImageRoute } from './reprocess-image';
import { updateImageHandler, updateImageRoute } from './update-image';
import { uploadImagesHandler, uploadImagesRoute } from './upload-images';
import { watchImagesHandler, watchImagesRoute } from './watch-images';

/** /admin/images: upload photos (asking first which are known), browse the library, watch develop status, edit, delete and develop again. */
export const imagesRoutes = createRouter()
  .openapi(uploadImagesRoute, uploadImagesHandler)
  .openapi(checkImagesRoute, checkImagesHandler)
  .openapi(watchImagesRoute, watchImagesHandler)
  .openapi(listImagesRoute, listImagesHandler)
  .openapi(getImageRoute, getImageHandler)
  .openapi(updateImageRoute, updateImageHandler)
  .openapi(deleteImageRoute, deleteImageHandler)
  .openapi(reprocessImageRoute, reprocessImageHandler);
