/** The route label of requests no route matched: one value, whatever path was asked for. */
export const UNMATCHED_ROUTE = '(unmatched)';
/** The route label of everything Next renders (gallery and admin pages, assets). */
export const PAGES_ROUTE = '(pages)';
/** The route label of better-auth's endpoints (sign-in, sessions). */
export const AUTH_ROUTE = '/api/auth/*';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Any other method a client invents is one label value, so it cannot grow the series count. */
export const methodLabel = (method: string) => (METHODS.has(method) ? method : 'OTHER');

// Keyed by registered route patterns only (a finite set), so this never grows with traffic.
const templates = new Map<string, string>();

/**
 * A registered route pattern as a label: Hono's `:slug` (with or without a `{regex}`
 * constraint) becomes `{slug}`, as in the OpenAPI document. Never pass a request's path.
 */
export function routeTemplate(pattern: string): string {
  let template = templates.get(pattern);
  if (template === undefined) {
    template = pattern.replace(/:([A-Za-z0-9_]+)(\{(?:[^{}]|\{[^{}]*\})*\})?\??/g, '{$1}');
    templates.set(pattern, template);
  }
  return template;
}
