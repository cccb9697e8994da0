import { getServices } from '../server/boot';
import { type App, createApp } from './app';

export { createApp, API_BASE, type App } from './app';

// One app per process, shared with the Next route mount (see server/boot getServices).
const globalKey = Symbol.for('darkroom.api');
type GlobalWithApp = typeof globalThis & { [globalKey]?: Promise<App> };

export function getApp(): Promise<App> {
  const g = globalThis as GlobalWithApp;
  g[globalKey] ??= getServices().then(createApp);
  return g[globalKey];
}

export function setApp(app: App): void {
  (globalThis as GlobalWithApp)[globalKey] = Promise.resolve(app);
}
