// Fast at scale: the matrix validates each distinct (bundle, chain, host, purpose) once, so pairs
// cost one validation per server chain plus one per client chain, not one per pair.
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as chain from '../../src/pki/chain.ts';
import { handshakeMatrix } from '../../src/matrix.ts';
import type { Model } from '../../src/model/types.ts';
import { DEFAULT_PARAMS } from '../../src/policy/packs.ts';
import { readCertificateFiles } from '../../src/sources/files.ts';
import { loadTopology } from '../../src/topology/load.ts';
import { T0, baseline, region, writeEstate, type Estate } from '../helpers/estate.ts';

vi.mock('../../src/pki/chain.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/pki/chain.ts')>();
  return { ...real, validatePath: vi.fn(real.validatePath) };
});

async function modelOf(e: Estate): Promise<Model> {
  const file = await writeEstate(e);
  const loaded = await loadTopology(file, path.dirname(file));
  const topology = loaded.topology!;
  return { topology, at: T0, params: DEFAULT_PARAMS, files: await readCertificateFiles(topology, path.dirname(file)), mode: 'check' };
}

describe('the handshake matrix at scale', () => {
  it('runs one validation per distinct served chain and per distinct client chain', async () => {
    const BROKERS = 120;
    const CLIENTS = 25;
    const e = await baseline();
    const us = region(e, 'us');
    for (let i = 0; i < BROKERS; i++) {
      const id = `broker-x-${i}`;
      const leaf = await e.pki.server(`${id}.company.com`);
      e.files[`certs/${id}.pem`] = leaf.pem + e.pki.serverCa.pem;
      us.brokers.push({ id, fqdn: `${id}.company.com`, cert: { file: `certs/${id}.pem` }, clientAuth: { required: true, trustBundle: 'rc-trust' } });
      us.loadBalancers[0].backends.push(id);
    }
    for (let i = 0; i < CLIENTS; i++) {
      const id = `client-x-${i}`;
      const leaf = await e.pki.client(id);
      e.files[`certs/${id}.pem`] = leaf.pem + e.pki.clientCa.pem;
      e.topology.clients.push({ id, role: 'target', cert: { file: `certs/${id}.pem` }, trustBundle: 'rc-trust', connectsTo: ['crlb'] });
    }
    const model = await modelOf(e);
    const validate = vi.mocked(chain.validatePath);
    validate.mockClear();

    const pairs = handshakeMatrix(model);

    const clients = CLIENTS + 3;
    const servers = BROKERS + 3;
    // controller-us and target-in reach everything through crlb; target-us only slb-us (no broker-in-3).
    expect(pairs).toHaveLength((CLIENTS + 2) * servers + (servers - 1));
    expect(pairs.every((p) => p.ok)).toBe(true);
    expect(validate).toHaveBeenCalledTimes(servers + clients);
    expect(handshakeMatrix(model)).toBe(pairs); // memoised per model
    expect(validate).toHaveBeenCalledTimes(servers + clients);
  });
});
