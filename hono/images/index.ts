import { createRouter } from '../router';
import {
  deleteImageHandler,
  deleteImageRoute,
  getImageHandler,
  getImageRoute,
  reprocessImageHandler,
  reprocessImageRoute,
  updateImageHandler,
  updateImageRoute,
} from './image-by-id';
import { listImagesHandler, listImagesRoute } from './list-images';
import { uploadImagesHandler, uploadImagesRoute } from './upload-images';

/** /admin/images: upload, library, edit, delete, reprocess. */
export const imagesRoutes = createRouter()
  .openapi(uploadImagesRoute, uploadImagesHandler)
  .openapi(listImagesRoute, listImagesHandler)
  .openapi(getImageRoute, getImageHandler)
  .openapi(updateImageRoute, updateImageHandler)
  .openapi(deleteImageRoute, deleteImageHandler)
  .openapi(reprocessImageRoute, reprocessImageHandler);
