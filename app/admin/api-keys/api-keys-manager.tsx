'use client';
import { type FormEvent, useState } from 'react';
import { type ApiKeyResource, type ApiKeyScope, apiKeyResources } from '../../../drizzle/schema/enums';
import { api, type ApiKey, call, type CreatedApiKey } from '../../_lib/api';
import { errorMessage } from '../../_lib/library';
import { useLoad } from '../../_lib/use-load';
import { StatusBadge } from '../_components/status-badge';
import { CreatedKey } from './created-key';
import { endOfDay, today, when } from '../../_lib/dates';

const RESOURCE_LABELS: Record<ApiKeyResource, string> = {
  images: 'Photos, uploads and tags',
  albums: 'Albums and share links',
  jobs: 'Jobs',
  workers: 'Workers',
  users: 'Users',
  settings: 'Settings',
  system: 'Dashboard and account',
  keys: 'API keys',
};

/** Create a key (its secret is shown once), see what each key may do and when it was last used, revoke. */
export function ApiKeysManager({ grantable, showCreator }: { grantable: ApiKeyScope[]; showCreator: boolean }) {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [all, setAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);

  useLoad(() => call(api.admin['api-keys'].$get({ query: { limit: '100' } })), {
    key: String(version),
    onLoad: (page) => setKeys(page.items),
    onError: (e) => setError(errorMessage(e, 'Could not load the API keys')),
  });

  async function run(action: () => Promise<unknown>, failure: string) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e, failure));
    } finally {
      setBusy(false);
      reload();
    }
  }

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const scopes = grantable.filter((scope) => form.getAll('scope').includes(scope));
    if (scopes.length === 0) {
      setError('Choose at least one permission');
      return;
    }
    const expiresAt = endOfDay(form.get('expires'));
    await run(async () => {
      const made = await call(api.admin['api-keys'].$post({ json: { name: String(form.get('name') ?? ''), scopes, ...(expiresAt ? { expiresAt } : {}) } }));
      setCreated(made);
      setAll(false);
      formElement.reset();
    }, 'Could not create the key');
  }

  const revoke = (key: ApiKey) => {
    if (!window.confirm(`Revoke the key “${key.name}”? Scripts using it stop working at once.`)) return;
    void run(() => call(api.admin['api-keys'][':id'].revoke.$post({ param: { id: key.id } })), 'Could not revoke the key');
  };

  const resources = apiKeyResources.filter((r) => grantable.includes(`${r}.read` as ApiKeyScope) || grantable.includes(`${r}.write` as ApiKeyScope));
  const columns = showCreator ? 9 : 8;

  return (
    <>
      <h2>New key</h2>
      <form className="stack api-key-form" onSubmit={onCreate} aria-label="Create an API key">
        <div className="row">
          <label>Name<input name="name" required maxLength={100} placeholder="e.g. Backup script" /></label>
          <label>Expires (optional)<input name="expires" type="date" min={today()} /></label>
        </div>
        <fieldset className="scopes">
          <legend>Permissions</legend>
          {grantable.includes('all') && (
            <label className="check">
              <input type="checkbox" name="scope" value="all" checked={all} onChange={(e) => setAll(e.target.checked)} />
              Everything my account may do
            </label>
          )}
          <div className="table-scroll">
            <table className="compact">
              <thead>
                <tr><th>Area</th><th>Read</th><th>Change</th></tr>
              </thead>
              <tbody>
                {resources.map((resource) => (
                  <tr key={resource}>
                    <td>{RESOURCE_LABELS[resource]}</td>
                    {(['read', 'write'] as const).map((action) => {
                      const scope = `${resource}.${action}` as ApiKeyScope;
                      return (
                        <td key={action}>
                          {grantable.includes(scope) && (
                            <label className="check">
                              <input type="checkbox" name="scope" value={scope} disabled={all} />
                              <code>{scope}</code>
                            </label>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </fieldset>
        <div className="row">
          <button type="submit" disabled={busy}>{busy ? 'Working…' : 'Create key'}</button>
        </div>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {created && <CreatedKey created={created} onError={setError} />}

      <h2>Keys</h2>
      <div className="table-scroll">
        <table className="compact">
          <thead>
            <tr>
              <th>Name</th><th>Key</th><th>Permissions</th>{showCreator && <th>Created by</th>}<th>Created</th><th>Last used</th><th>Expires</th><th>Status</th>
              <th><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {keys === null && !error && <tr><td colSpan={columns}>Loading…</td></tr>}
            {keys?.length === 0 && <tr><td colSpan={columns} className="empty">No API keys yet.</td></tr>}
            {keys?.map((key) => (
              <tr key={key.id} data-testid={`api-key-${key.id}`}>
                <td>{key.name}</td>
                <td className="nowrap"><code>{key.prefix}…</code></td>
                <td>{key.scopes.map((s) => <code key={s} className="scope">{s}</code>)}</td>
                {showCreator && <td>{key.createdBy.email}</td>}
                <td className="nowrap">{when(key.createdAt)}</td>
                <td className="nowrap">{key.lastUsedAt ? when(key.lastUsedAt) : 'never'}</td>
                <td className="nowrap">{key.expiresAt ? when(key.expiresAt) : 'never'}</td>
                <td><StatusBadge status={key.state} /></td>
                <td>
                  {key.state === 'active' && (
                    <button type="button" className="danger" disabled={busy} onClick={() => revoke(key)} aria-label={`Revoke ${key.name}`}>Revoke</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
