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
  // Read from disk at run time, which file tracing cannot see, so serverless bundles (Vercel)
  // name them here: every server route may be the first to start Darkroom and apply
  // drizzle/migrations; the API route serves the API reference's browser bundle (server/api-reference).
  outputFileTracingIncludes: {
    '/**': ['./drizzle/migrations/**/*'],
    '/api/v1/[[...route]]': ['./node_modules/@scalar/api-reference/package.json', './node_modules/@scalar/api-reference/dist/browser/**/*.js'],
  },
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
