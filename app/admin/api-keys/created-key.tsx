'use client';
import { useState } from 'react';
import type { CreatedApiKey } from '../../_lib/api';

/** The secret of a key just made: shown this once (it is stored only as a hash), with a Copy button. */
export function CreatedKey({ created, onError }: { created: CreatedApiKey; onError: (message: string) => void }) {
  const [copied, setCopied] = useState(false);

  async function copy() {
    await navigator.clipboard.writeText(created.secret).then(
      () => setCopied(true),
      () => onError('Could not copy; select the key and copy it by hand'),
    );
  }

  return (
    <div className="new-key" role="status">
      <p>
        New key “{created.key.name}” — copy it now, it is not shown again:
      </p>
      <div className="row">
        <input readOnly value={created.secret} aria-label="New API key" onFocus={(e) => e.currentTarget.select()} size={60} spellCheck={false} />
        <button type="button" className="secondary" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy'}</button>
      </div>
    </div>
  );
}
