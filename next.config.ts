import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Native/WASM and connection-holding packages must stay out of the bundle so the
  // Next route handlers share one instance with the production server (see server/boot/runtime.ts).
  serverExternalPackages: [
    '@electric-sql/pglite',
    'sharp',
    'exifr',
    'thumbhash',
    'file-type',
    'busboy',
    '@aws-sdk/client-s3',
    'postgres',
    'ioredis',
    'pino',
    'pino-pretty',
    'better-auth',
    'drizzle-orm',
    'prom-client',
  ],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
