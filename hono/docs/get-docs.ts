import { Scalar } from '@scalar/hono-api-reference';
import type { Context, Next } from 'hono';
import { NONCE, secureHeaders, type SecureHeadersVariables } from 'hono/secure-headers';
import { API_BASE } from '../../server/http/paths';
import { REFERENCE_ENTRY, referenceBundleVersion } from '../../server/api-reference';
import type { AppEnv } from '../env';

export const DOCS_PATH = '/docs';
export const ASSETS_PATH = `${DOCS_PATH}/assets`;

type DocsEnv = AppEnv & { Variables: SecureHeadersVariables };

/**
 * Scripts only from this server (the inline start script by a fresh nonce), requests only to
 * this server: the page works offline and cannot be made to load or send anything elsewhere.
 */
export const docsSecurityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'", NONCE],
    // Scalar renders inline style attributes, which no nonce can allow (its CSP notes say so).
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
  // Whether the site is HTTPS-only is the operator's decision, not one page's.
  strictTransportSecurity: false,
});

const reference = Scalar<DocsEnv>((c) => ({
  pageTitle: 'Darkroom API reference',
  url: `${API_BASE}/openapi.json`,
  bundle: `${API_BASE}${ASSETS_PATH}/${referenceBundleVersion()}/${REFERENCE_ENTRY}`,
  nonce: c.get('secureHeadersNonce'),
  // Nothing the page would fetch from Scalar's servers: fonts, the AI agent, MCP, dev tools.
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: 'never',
}));

/** GET /docs: the browsable reference of /openapi.json. A nonce is per response, so never stored. */
export async function getDocs(c: Context<DocsEnv>, next: Next) {
  c.header('Cache-Control', 'no-store');
  return reference(c, next);
}
