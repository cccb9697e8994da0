import { describe, expect, it } from 'vitest';
import { captureLogs } from '../testing/processes';
import { keys } from '.';
import { db, direct, fleetRedis, makeFleet, setUpFleetHarness, workerRow } from './fleet.harness';

// Each boot's nonce travels with its heartbeats, so two live processes under one id notice each other.
setUpFleetHarness();

const SHARING = 'another running process uses this worker id (one DATA_DIR shared by two processes): give each replica its own DATA_DIR and restart them';

describe.each([
  ['Redis', true],
  ['PostgreSQL alone', false],
] as const)('the boot nonce in the heartbeat, on %s', (_, withRedis) => {
  it('register and every heartbeat carry this boot nonce; deregister drops it', async () => {
    const fleet = makeFleet('w-1', withRedis ? await fleetRedis() : undefined);
    await fleet.register();
    await fleet.heartbeat();
    expect((await workerRow('w-1')).bootNonce).toBe(fleet.bootNonce);
    if (withRedis) expect(await direct.get(keys.bootKey('w-1'))).toBe(fleet.bootNonce);
    await fleet.deregister();
    if (withRedis) expect(await direct.exists(keys.bootKey('w-1'))).toBe(0);
  });

  it('two processes that started at once under one id: the one whose nonce was replaced says so, once', async () => {
    const logsA = captureLogs();
    const logsB = captureLogs();
    const a = makeFleet('w-shared', withRedis ? await fleetRedis() : undefined, { log: logsA.log, on: db });
    const b = makeFleet('w-shared', withRedis ? await fleetRedis() : undefined, { log: logsB.log, on: db });
    expect(a.bootNonce).not.toBe(b.bootNonce);
    await a.register();
    await a.heartbeat();
    expect(logsA.lines().filter((l) => l.msg === SHARING)).toEqual([]);
    await b.register();
    await a.heartbeat();
    await b.heartbeat();
    await a.heartbeat();
    expect(logsA.lines().filter((l) => l.msg === SHARING)).toMatchObject([{ level: 50, workerId: 'w-shared' }]);
    expect(logsB.lines().filter((l) => l.msg === SHARING)).toHaveLength(1);
  });
});
