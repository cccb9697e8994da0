import { type Browser, chromium } from '@playwright/test';

/** Chromium from Debian (`apt-get install chromium`); CHROMIUM_PATH for another build. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags every browser bench runs with: no sandbox (root, containers), no GPU, no background traffic. */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Headless Chromium for a bench; `extraArgs` after the common ones. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs] });
}
