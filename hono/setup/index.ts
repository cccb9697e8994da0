import { createRouter } from '../router';
import { getSetupStatusHandler, getSetupStatusRoute } from './get-setup-status';
import { setupOwnerHandler, setupOwnerRoute } from './setup-owner';

/** /setup: the one-time creation of the owner account, open only while no user exists. */
export const setupRoutes = createRouter()
  .openapi(getSetupStatusRoute, getSetupStatusHandler)
  .openapi(setupOwnerRoute, setupOwnerHandler);
