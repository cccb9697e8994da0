import { z } from '@hono/zod-openapi';
import { userRoles } from '../../drizzle/schema';
import type { UserDto } from '../../server/users';

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(userRoles),
    active: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .openapi('User');

/** Maps through the schema so nothing beyond these fields can ever be sent. */
export const toUserJson = (user: UserDto) => UserSchema.parse({ ...user, createdAt: user.createdAt.toISOString() });

export const UserListSchema = z
  .object({ items: z.array(UserSchema), nextCursor: z.string().nullable() })
  .openapi('UserList');

export const UserIdParams = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }),
});

export const ListUsersQuery = z.object({
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
