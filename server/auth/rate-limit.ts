/** better-auth's custom rate-limit storage shape; implemented on the cache (server/cache/rate-limit). */
export interface RateLimitRule {
  window: number;
  max: number;
}
export interface RateLimitStore {
  consume(key: string, rule: RateLimitRule): Promise<{ allowed: boolean; retryAfter: number | null }>;
}
