import { createRouter } from '../router';
import { createUserHandler, createUserRoute } from './create-user';
import { listUsersHandler, listUsersRoute } from './list-users';
import { activateUserHandler, activateUserRoute, deactivateUserHandler, deactivateUserRoute } from './set-user-active';

/** /admin/users: the owner's user management (hono/app.ts guards it at the owner level). */
export const usersRoutes = createRouter()
  .openapi(listUsersRoute, listUsersHandler)
  .openapi(createUserRoute, createUserHandler)
  .openapi(deactivateUserRoute, deactivateUserHandler)
  .openapi(activateUserRoute, activateUserHandler);
