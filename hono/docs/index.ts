import { compress } from 'hono/compress';
import { createRouter } from '../router';
import { getAsset } from './get-asset';
import { ASSETS_PATH, DOCS_PATH, docsSecurityHeaders, getDocs } from './get-docs';

/** The API reference page (Scalar) at /docs, and its browser bundle, served here: no CDN. */
export const docsRoutes = createRouter();

// A page and script files, not JSON: plain routes, the page described in the document by hand.
docsRoutes.get(DOCS_PATH, docsSecurityHeaders, getDocs);
docsRoutes.get(`${ASSETS_PATH}/*`, compress(), getAsset);
docsRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: DOCS_PATH,
  tags: ['system'],
  summary: 'This reference as a web page, rendered from /openapi.json',
  responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
});
