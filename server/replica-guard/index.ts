import { sql } from 'drizzle-orm';
import type { Config } from '../config';
import { type Database, rowsOf } from '../db';

import { ReplicaGuardError } from './errors';

export { ReplicaGuardError };
export { checkWorkerIdentity, WorkerIdentityInUseError } from './identity';
export { checkSharedVolume, VOLUME_SETTING } from './shared-volume';

export const BYPASS = 'DARKROOM_SINGLE_INSTANCE=1';

/** Components that silently break with more than one instance, and how to replace each. */
export function singleInstanceComponents(config: Config, authSecretGenerated: boolean): string[] {
  const found: string[] = [];
  if (!config.databaseUrl) found.push('embedded PGlite database (set DATABASE_URL to a shared PostgreSQL)');
  if (config.cacheMode === 'local') found.push('CACHE_MODE=local (set REDIS_URL and CACHE_MODE=strict)');
  if (config.storage.driver === 'local' && !config.storage.shared) {
    found.push('local storage not declared shared (use STORAGE_DRIVER=s3, or STORAGE_SHARED=true with STORAGE_LOCAL_DIR on a volume every replica mounts)');
  }
  if (authSecretGenerated) found.push('a generated auth secret (set the same BETTER_AUTH_SECRET on every replica)');
  return found;
}

/**
 * Other workers heartbeating in the shared database. A restart of this instance keeps its
 * id (DATA_DIR/worker-id), so its own previous life is never counted. PostgreSQL heartbeats
 * lag by up to the mirror interval, hence the wider window.
 */
export async function otherLiveWorkers(db: Database, input: { workerId: string; windowMs: number }): Promise<string[]> {
  try {
    const rows = rowsOf<{ id: string }>(
      await db.execute(sql`select id from workers where is_online and id <> ${input.workerId}
        and last_heartbeat_at > now() - (${Math.round(input.windowMs)} * interval '1 millisecond') order by id limit 5`),
    );
    return rows.map((r) => r.id);
  } catch (error) {
    // Before the first migration there is no workers table, hence no fleet.
    if (/relation .*workers.* does not exist/.test(error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : '')) return [];
    throw error;
  }
}

const refusal = (signals: string[], components: string[]) =>
  new ReplicaGuardError(
    `multi-instance deploy detected (${signals.join('; ')}) but this configuration only works on a single instance: ` +
      `${components.join('; ')}. Fix those, or if this really is the only instance, set ${BYPASS} to skip this check.`,
  );

/** The part that needs no database: refuse on host signals before opening (or creating) one. */
export function checkPlatformSignals(config: Config): void {
  if (config.replicaGuard.bypass) return;
  // A secret read from DATA_DIR is a generated one too, so "unset" is the whole test.
  const components = singleInstanceComponents(config, !config.auth.secret);
  const signals = config.replicaGuard.platformSignals;
  if (components.length && signals.length) throw refusal(signals, components);
}

/**
 * The startup check of DESIGN.md "Replica guard": a multi-instance signal together with a
 * single-instance-only component refuses to start. Runs before anything listens.
 */
export async function checkReplicaGuard(input: {
  config: Config;
  authSecretGenerated: boolean;
  db: Database;
  workerId: string;
}): Promise<{ signals: string[]; components: string[] }> {
  const { config } = input;
  if (config.replicaGuard.bypass) return { signals: [], components: [] };
  const components = singleInstanceComponents(config, input.authSecretGenerated);
  if (components.length === 0) return { signals: [], components };
  const signals = [...config.replicaGuard.platformSignals];
  const others = await otherLiveWorkers(input.db, { workerId: input.workerId, windowMs: config.fleet.heartbeatMirrorMs + config.fleet.staleMs });
  if (others.length) signals.push(`another live worker in the shared database (${others.join(', ')})`);
  if (signals.length) throw refusal(signals, components);
  return { signals, components };
}
