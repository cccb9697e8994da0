import { z } from 'zod';
import { userRoles } from '../../drizzle/schema';
import { pageOf, pageQuery } from '../shapes';

const email = z.email('Enter a valid email address').max(254).transform((v) => v.toLowerCase());
const password = z.string().min(8, 'Password must be at least 8 characters').max(256);
const name = z.string().trim().min(1, 'Name is required').max(100);

export const setupOwnerInput = z.object({ email, password, name });
export type SetupOwnerInput = z.input<typeof setupOwnerInput>;

export const createUserInput = z.object({
  email,
  password,
  name,
  role: z.enum(userRoles).exclude(['owner']).default('viewer'),
});
export type CreateUserInput = z.input<typeof createUserInput>;

export const listUsersInput = pageQuery(50);
export type ListUsersInput = z.input<typeof listUsersInput>;

export const userRole = z.enum(userRoles);

/** What leaves the users service: never a row (no password hash, no sessions). */
export const userDto = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: userRole,
    active: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'User' });
export type UserDto = z.output<typeof userDto>;

export const userPage = pageOf(userDto).meta({ id: 'UserList' });

/** GET /setup: whether the one-time owner setup is still open. */
export const setupStatus = z.object({ needed: z.boolean() }).meta({ id: 'SetupStatus' });
