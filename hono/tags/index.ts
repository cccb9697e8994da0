import { createRouter } from '../router';
import { deleteTagHandler, deleteTagRoute } from './delete-tag';
import { listTagsHandler, listTagsRoute } from './list-tags';

/** /admin/tags: every tag with its image count; delete a tag. Tagging happens on an image. */
export const tagsRoutes = createRouter()
  .openapi(listTagsRoute, listTagsHandler)
  .openapi(deleteTagRoute, deleteTagHandler);
