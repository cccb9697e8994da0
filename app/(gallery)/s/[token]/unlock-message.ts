/** What a refused unlock tells the visitor; 429 names the wait the API gives in Retry-After (seconds). */
export function unlockRefusal(status: number, retryAfter: string | null): string {
  if (status === 401) return 'Wrong password. Try again.';
  if (status === 429) {
    const seconds = Number(retryAfter);
    const minutes = Math.max(1, Math.ceil((Number.isFinite(seconds) && seconds > 0 ? seconds : 60) / 60));
    return `Too many attempts, try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  }
  if (status === 404) return 'This link is no longer valid.';
  return 'Could not check the password; try again.';
}
