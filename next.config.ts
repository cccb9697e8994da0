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
  ],
  // The API reference's browser bundle is read from node_modules at run time (server/api-reference),
  // so serverless deployments must ship it with the API route.
  outputFileTracingIncludes: {
    '/api/v1/[[...route]]': ['./node_modules/@scalar/api-reference/package.json', './node_modules/@scalar/api-reference/dist/browser/**/*.js'],
  },
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
