import { createRouter } from '../router';
import { getSettingsHandler, getSettingsRoute } from './get-settings';
import { updateSettingsHandler, updateSettingsRoute } from './update-settings';

/** /admin/settings: the site title and description the gallery, feed and previews show. */
export const settingsRoutes = createRouter()
  .openapi(getSettingsRoute, getSettingsHandler)
  .openapi(updateSettingsRoute, updateSettingsHandler);
