'use client';
import { createAuthClient } from 'better-auth/react';

/** Same-origin client: the base URL is wherever the UI was served from. */
export const authClient = createAuthClient({ basePath: '/api/auth' });
