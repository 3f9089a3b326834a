// Acceptance test: the official Milvus Node SDK with a collection TTL (`collection.ttl.seconds`): created with a TTL,
// rows seen under a long TTL, then gone from count(*), query and search once a 3 s TTL has passed (polled with a
// generous bound, no timing asserted), back when the TTL grows again (evaluated at read time). Run by
// NodeSdkAcceptanceTest with the other *.test.mjs files against a fresh server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';

const address = process.env.MILVUS_ADDRESS;
if (!address) {
  throw new Error('set MILVUS_ADDRESS to the server address, e.g. 127.0.0.1:19530');
}

const ROOT = { username: 'root', password: 'Milvus' };
const DIM = 4;
const TTL_KEY = 'collection.ttl.seconds';

function ok(status, what) {
  assert.equal(status?.error_code, 'Success', `${what}: expected success, got ${JSON.stringify(status)}`);
}

async function count(client, collection_name) {
  const res = await client.query({
    collection_name, output_fields: ['count(*)'], consistency_level: 'Strong',
  });
  ok(res.status, 'count(*)');
  return Number(res.data[0]['count(*)']);
}

async function setTtl(client, collection_name, seconds) {
  ok(await client.alterCollectionProperties({ collection_name, properties: { [TTL_KEY]: seconds } }),
    `TTL ${seconds}`);
}

test('collection TTL: rows vanish after their time to live and come back when it grows', { timeout: 120_000 },
  async t => {
    const client = new MilvusClient({ address, ...ROOT });
    const collection_name = `nodettl_${Date.now()}_${process.pid}`;
    t.after(async () => {
      await client.dropCollection({ collection_name });
      await client.closeConnection();
    });
    ok(await client.createCollection({
      collection_name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vector', data_type: DataType.FloatVector, dim: DIM },
      ],
      index_params: [{ field_name: 'vector', index_type: 'AUTOINDEX', metric_type: 'L2' }],
      properties: { [TTL_KEY]: 3 },
    }), 'createCollection');
    const described = await client.describeCollection({ collection_name });
    ok(described.status, 'describeCollection');
    assert.deepEqual(described.properties.filter(p => p.key === TTL_KEY).map(p => p.value), ['3']);

    const data = Array.from({ length: 12 }, (_, id) => ({ id, vector: [id % 3, 1, 0.5, id / 12] }));
    ok((await client.insert({ collection_name, data })).status, 'insert');
    await setTtl(client, collection_name, 600); // seen first, whatever this machine's speed
    assert.equal(await count(client, collection_name), 12);
    await setTtl(client, collection_name, 3);

    const deadline = Date.now() + 60_000;
    while (await count(client, collection_name) > 0 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    assert.equal(await count(client, collection_name), 0, 'expired within a minute');
    const found = await client.search({
      collection_name, data: [[1, 1, 0.5, 0.5]], limit: 20, consistency_level: 'Strong',
    });
    ok(found.status, 'search');
    assert.equal(found.results.length, 0);

    await setTtl(client, collection_name, 600);
    assert.equal(await count(client, collection_name), 12, 'a longer TTL shows the rows again');
    const refused = await client.alterCollectionProperties({ collection_name, properties: { [TTL_KEY]: 'soon' } });
    assert.equal(refused.code, 1100, JSON.stringify(refused));
    assert.match(refused.reason, /collection TTL is not a valid positive integer/);
  });
