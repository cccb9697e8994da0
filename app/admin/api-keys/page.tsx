import { grantableScopes } from '../../../server/api-keys';
import { requireAdmin } from '../../_lib/access';
import { ApiKeysManager } from './api-keys-manager';

/** Keys for scripts and integrations: what each may do, when it was last used, revoke it. */
export default async function ApiKeysPage() {
  const user = await requireAdmin();
  return (
    <>
      <h1>API keys</h1>
      <p className="muted">
        A key lets a script use the admin API without signing in: send it as <code>x-api-key: &lt;key&gt;</code> or{' '}
        <code>Authorization: Bearer &lt;key&gt;</code>. A key can never do more than your account, and stops working if your account is
        deactivated.
      </p>
      <ApiKeysManager grantable={[...grantableScopes(user.role)]} showCreator={user.role === 'owner'} />
    </>
  );
}
