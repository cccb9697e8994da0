import { test as base, expect, type Locator, type Page } from '@playwright/test';

export { expect };

/** Per-project options set in playwright.config.ts. */
export interface DarkroomOptions {
  /** What the dashboard's database card shows for this project's server. */
  databaseLabel: string;
}

/** Created through the setup page by owner-flow.spec.ts, the first spec on each server. */
export const OWNER = { name: 'Olive Owner', email: 'owner@darkroom.test', password: 'owner-password-1' } as const;

export const test = base.extend<DarkroomOptions & { ownerPage: Page }>({
  databaseLabel: ['', { option: true }],

  /** A page whose context holds the owner's session, signed in through the auth endpoint. */
  // `provide`, not Playwright's usual `use`: the React hooks lint rule would take it for a hook.
  ownerPage: async ({ page, baseURL }, provide) => {
    if (!baseURL) throw new Error('baseURL is not set for this project');
    const res = await page.request.post('/api/auth/sign-in/email', {
      data: { email: OWNER.email, password: OWNER.password },
      headers: { origin: baseURL },
    });
    expect(res.status(), `owner sign-in: ${await res.text()}`).toBe(200);
    await provide(page);
  },
});

/** Fills and submits the sign-in form on /login. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Drops files onto `target` as a user would: a DataTransfer built in the page from the bytes,
 * then real dragenter, dragover and drop events carrying it.
 */
export async function dropFiles(target: Locator, files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
  const dataTransfer = await target.page().evaluateHandle(
    (list) => {
      const transfer = new DataTransfer();
      for (const file of list) {
        const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], file.name, { type: file.mimeType }));
      }
      return transfer;
    },
    files.map((f) => ({ name: f.name, mimeType: f.mimeType, base64: f.buffer.toString('base64') })),
  );
  try {
    for (const type of ['dragenter', 'dragover', 'drop']) await target.dispatchEvent(type, { dataTransfer });
  } finally {
    await dataTransfer.dispose();
  }
}
