// Shared setup of the gRPC (MilvusClient) acceptance tests: the server address, root's credentials, unique collection
// names, a seeded PRNG, status checks and a per-test fixture that drops what the test created.

import assert from 'node:assert/strict';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';

export const address = process.env.MILVUS_ADDRESS;
if (!address) {
  throw new Error('set MILVUS_ADDRESS to the server address, e.g. 127.0.0.1:19530');
}

export const ROOT = { username: 'root', password: 'Milvus' };
export const TEST_TIMEOUT_MS = 120_000;

let sequence = 0;

/** A collection name unique to this run (letters, digits, underscores). */
export function uniqueCollectionName(prefix) {
  sequence += 1;
  return `${prefix}_${Date.now()}_${process.pid}_${sequence}`;
}

/** A small deterministic PRNG (mulberry32), so a failing run can be repeated exactly. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function assertSuccess(status, what = '') {
  assert.equal(status?.error_code, 'Success', `${what}: expected success, got ${JSON.stringify(status)}`);
  assert.equal(status.code, 0, `${what}: ${JSON.stringify(status)}`);
}

/** Ids as strings in ascending numeric order (Int64 comes back as strings). */
export function sortedIds(rows, field = 'id') {
  return rows.map(r => String(r[field])).sort((x, y) => Number(x) - Number(y));
}

/** Per-test fixture: a root client, and collections that are dropped when the test ends. */
export function fixture(t) {
  const client = new MilvusClient({ address, ...ROOT });
  const collections = [];
  t.after(async () => {
    for (const collection_name of collections) {
      await client.dropCollection({ collection_name });
    }
    await client.closeConnection();
  });
  return {
    client,
    collection(prefix) {
      const name = uniqueCollectionName(prefix);
      collections.push(name);
      return name;
    },
  };
}
