/* What bench:library-ui measures in the page: long tasks, the JS heap, tiles in the DOM, API calls. */
import type { CDPSession, Page } from '@playwright/test';

/** Installed before the page's scripts: every long task and every layout shift, with start times. */
export const PROBE = () => {
  const w = window as unknown as { __long: { at: number; ms: number }[]; __shifts: { at: number; value: number; what: string }[] };
  w.__long = [];
  w.__shifts = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.__long.push({ at: entry.startTime, ms: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    type Source = { node?: Node | null; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly };
    for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean; sources: Source[] })[]) {
      const what = entry.sources.map((s) => `${s.node instanceof Element ? `${s.node.tagName.toLowerCase()}.${s.node.className}` : s.node?.nodeName}: y ${Math.round(s.previousRect.y)}→${Math.round(s.currentRect.y)}, h ${Math.round(s.previousRect.height)}→${Math.round(s.currentRect.height)}`);
      if (!entry.hadRecentInput) w.__shifts.push({ at: entry.startTime, value: entry.value, what: what.join('; ') });
    }
  }).observe({ type: 'layout-shift', buffered: true });
};

/** Layout shift (the CLS sum, no session windows) of shifts that started after `since`. */
export const shiftSince = (page: Page, since: number) =>
  page.evaluate((t) => (window as unknown as { __shifts: { at: number; value: number }[] }).__shifts.filter((s) => s.at >= t).reduce((n, s) => n + s.value, 0), since);

/** The longest task that started after `since` (page time, ms). */
export const longestSince = (page: Page, since: number) =>
  page.evaluate((t) => Math.max(0, ...(window as unknown as { __long: { at: number; ms: number }[] }).__long.filter((l) => l.at >= t).map((l) => l.ms)), since);

export const pageNow = (page: Page) => page.evaluate(() => performance.now());
export const tilesInDom = (page: Page) => page.locator('ul.vgrid > li').count();

/** Used JS heap after a full GC (CDP), so the figure is what the page keeps, not garbage. */
export async function heapBytes(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
}

/** Every admin images list request and the photos each answered with. */
export function watchListRequests(page: Page) {
  const log: { url: string; items: number }[] = [];
  page.on('response', async (res) => {
    if (!res.url().includes('/api/v1/admin/images?')) return;
    const body = (await res.json().catch(() => ({ items: [] }))) as { items?: unknown[] };
    log.push({ url: res.url(), items: body.items?.length ?? 0 });
  });
  return {
    mark: () => log.length,
    since: (mark: number) => log.slice(mark),
  };
}

/** The largest layout shifts so far, with what moved: for finding the cause when the sum is not 0. */
export const largestShifts = (page: Page, count: number) =>
  page.evaluate((n) => [...(window as unknown as { __shifts: { at: number; value: number; what: string }[] }).__shifts].sort((a, b) => b.value - a.value).slice(0, n), count);
