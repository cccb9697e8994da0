/** Shapes every domain shares: an entity id, a list, and a page of results (keyset pagination). */
export { entityId, idParam } from './id';
export { listOf, pageOf, pageQuery, paginate, type Page } from './page';
