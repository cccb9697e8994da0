'use client';
import { type FormEvent, useState } from 'react';
import { api, call, type User } from '../../_lib/api';
import { oneOf } from '../../_lib/library';
import { useLoad } from '../../_lib/use-load';

const ROLES = ['viewer', 'admin'] as const;

export function UsersManager() {
  const [users, setUsers] = useState<User[] | null>(null);
  const [me, setMe] = useState<User | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const [version, setVersion] = useState(0);
  const load = async () => setVersion((v) => v + 1);

  useLoad(() => Promise.all([call(api.admin.users.$get({ query: { limit: 100 } })), call(api.admin.me.$get())]), {
    key: String(version),
    onLoad: ([page, current]) => {
      setUsers(page.items);
      setMe(current);
    },
    onError: (e) => setError(e instanceof Error ? e.message : 'Could not load users'),
  });

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setBusy(true);
    setError(null);
    try {
      await call(
        api.admin.users.$post({
          json: {
            name: String(form.get('name')),
            email: String(form.get('email')),
            password: String(form.get('password')),
            role: oneOf(ROLES, form.get('role')),
          },
        }),
      );
      formElement.reset();
      await load();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not create the user');
    } finally {
      setBusy(false);
    }
  }

  async function setActive(user: User, active: boolean) {
    setError(null);
    try {
      const param = { id: user.id };
      const target = api.admin.users[':id'];
      await call(active ? target.activate.$post({ param }) : target.deactivate.$post({ param }));
      await load();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not update the user');
    }
  }

  return (
    <>
      {error && <p className="error" role="alert">{error}</p>}
      <table>
        <thead>
          <tr><th>Name</th><th>Email</th><th>Role</th><th>Status</th><th /></tr>
        </thead>
        <tbody>
          {users === null && <tr><td colSpan={5}>Loading…</td></tr>}
          {users?.map((u) => (
            <tr key={u.id} data-testid={`user-${u.email}`}>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>{u.role}</td>
              <td><span className={`badge ${u.active ? 'on' : 'off'}`}>{u.active ? 'active' : 'deactivated'}</span></td>
              <td>
                {u.role !== 'owner' && u.id !== me?.id &&
                  (u.active ? (
                    <button type="button" className="danger" onClick={() => setActive(u, false)}>Deactivate</button>
                  ) : (
                    <button type="button" className="secondary" onClick={() => setActive(u, true)}>Activate</button>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Add a user</h2>
      <form className="row" onSubmit={onCreate}>
        <label>Name<input name="name" required maxLength={100} /></label>
        <label>Email<input name="email" type="email" required /></label>
        <label>Password<input name="password" type="password" required minLength={8} autoComplete="new-password" /></label>
        <label>Role
          <select name="role" defaultValue="viewer">
            <option value="viewer">viewer</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit" disabled={busy}>{busy ? 'Adding…' : 'Add user'}</button>
      </form>
    </>
  );
}
