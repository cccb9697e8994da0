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
  // Every server route may be the first to start Darkroom, which applies drizzle/migrations
  // from disk; file tracing cannot see that read, so serverless bundles (Vercel) name it here.
  outputFileTracingIncludes: { '/**': ['./drizzle/migrations/**/*'] },
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
