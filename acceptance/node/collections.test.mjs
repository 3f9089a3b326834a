// Acceptance test: the official Milvus Node SDK with Milvus 2.4-2.6 collection features, against a running VectorVault
// server with authentication on: partial load (loadPartitions / releasePartitions of one partition, getLoadState per
// partition), a partition-key collection (num_partitions, 1,000 distinct keys, reads filtered on the key), a quantized
// IVF_SQ8 index (create, describe, search once built), truncateCollection, and upsert with partial_update (dynamic keys
// merged).
// Run with `MILVUS_ADDRESS=127.0.0.1:19530 node --test` (NodeSdkAcceptanceTest does this).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataType } from '@zilliz/milvus2-sdk-node';
import { assertSuccess, fixture, random, sortedIds, TEST_TIMEOUT_MS } from './support.mjs';

function range(from, to) {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

async function ids(client, collection_name, filter, extra = {}) {
  const res = await client.query({ collection_name, filter, output_fields: ['id'], ...extra });
  assertSuccess(res.status, `query ${filter}`);
  return sortedIds(res.data);
}

async function loadState(client, collection_name, partition_names) {
  const res = await client.getLoadState({ collection_name, ...(partition_names ? { partition_names } : {}) });
  assertSuccess(res.status, `getLoadState ${partition_names ?? ''}`);
  return res.state;
}

async function searchIds(client, collection_name, partition_names) {
  const res = await client.search({
    collection_name, data: [1, 1, 1, 1], limit: 100, ...(partition_names ? { partition_names } : {}),
  });
  assertSuccess(res.status, `search ${partition_names ?? ''}`);
  return sortedIds(res.results);
}

/** Fails unless the call was refused, whether the SDK rejects or resolves with a failed status. */
async function assertRefused(call, message) {
  let res;
  try {
    res = await call();
  } catch (e) {
    assert.match(String(e.message ?? e), message);
    return;
  }
  const status = res.status ?? res;
  assert.notEqual(status.error_code, 'Success', JSON.stringify(res));
  assert.match(status.reason, message);
}

function simpleCollection(collection_name, extraFields = []) {
  return {
    collection_name,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'vec', data_type: DataType.FloatVector, dim: 4 },
      ...extraFields,
    ],
    index_params: [{ field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' }],
  };
}

test('partial load: releasing one partition keeps the others searchable, getLoadState per partition',
  { timeout: TEST_TIMEOUT_MS }, async t => {
    const { client, collection } = fixture(t);
    const collection_name = collection('nodecoll_partial');
    assertSuccess(await client.createCollection(simpleCollection(collection_name)), 'createCollection');
    for (const partition_name of ['spring', 'autumn']) {
      assertSuccess(await client.createPartition({ collection_name, partition_name }),
        `createPartition ${partition_name}`);
    }
    const rows = from => range(from, from + 5).map(id => ({ id, vec: [id % 7, 1, 2, 3] }));
    for (const [partition_name, from] of [['_default', 0], ['spring', 100], ['autumn', 200]]) {
      assertSuccess((await client.insert({ collection_name, partition_name, data: rows(from) })).status, 'insert');
    }
    const all = [...range(0, 5), ...range(100, 105), ...range(200, 205)].map(String);
    assert.deepEqual(await searchIds(client, collection_name), all);

    assertSuccess(await client.releasePartitions({ collection_name, partition_names: ['spring'] }),
      'releasePartitions');
    assert.equal(await loadState(client, collection_name, ['spring']), 'LoadStateNotLoad');
    assert.equal(await loadState(client, collection_name, ['autumn']), 'LoadStateLoaded');
    assert.equal(await loadState(client, collection_name), 'LoadStateLoaded');
    assert.deepEqual(await searchIds(client, collection_name), [...range(0, 5), ...range(200, 205)].map(String));
    assert.deepEqual(await searchIds(client, collection_name, ['autumn']), range(200, 205).map(String));
    assert.deepEqual(await ids(client, collection_name, 'id >= 100'), range(200, 205).map(String));
    await assertRefused(() => client.search({
      collection_name, data: [1, 1, 1, 1], limit: 10, partition_names: ['spring'],
    }), /partition not loaded/);

    assertSuccess(await client.loadPartitions({ collection_name, partition_names: ['spring'] }), 'loadPartitions');
    assert.equal(await loadState(client, collection_name, ['spring']), 'LoadStateLoaded');
    assert.deepEqual(await searchIds(client, collection_name), all);
    assert.deepEqual(await ids(client, collection_name, 'id >= 100 and id < 200'), range(100, 105).map(String));
  });

test('partition key: num_partitions partitions, 1,000 distinct keys, reads filtered on the key see only its rows',
  { timeout: TEST_TIMEOUT_MS }, async t => {
    const { client, collection } = fixture(t);
    const collection_name = collection('nodecoll_pkey');
    assertSuccess(await client.createCollection({
      ...simpleCollection(collection_name, [
        { name: 'tenant', data_type: DataType.VarChar, max_length: 16, is_partition_key: true },
      ]),
      num_partitions: 16,
    }), 'createCollection');
    const described = await client.describeCollection({ collection_name });
    assertSuccess(described.status, 'describeCollection');
    assert.equal(Number(described.num_partitions), 16);
    assert.equal(described.schema.fields.find(f => f.name === 'tenant').is_partition_key, true);
    const partitions = await client.showPartitions({ collection_name });
    assertSuccess(partitions.status, 'showPartitions');
    assert.deepEqual([...partitions.partition_names].sort(), range(0, 16).map(i => `_default_${i}`).sort());

    // Two rows per key: id and id + 1000 both belong to tenant k<id>.
    const data = range(0, 2000).map(id => ({ id, vec: [(id % 1000) / 1000, 1, 0, 0], tenant: `k${id % 1000}` }));
    assertSuccess((await client.insert({ collection_name, data })).status, 'insert');

    assert.deepEqual(await ids(client, collection_name, 'tenant == "k123"'), ['123', '1123']);
    assert.deepEqual(await ids(client, collection_name, 'tenant in ["k5", "k700", "nobody"]'),
      ['5', '700', '1005', '1700']);
    const found = await client.search({
      collection_name, data: [0, 1, 0, 0], limit: 10, filter: 'tenant == "k999"', output_fields: ['tenant'],
    });
    assertSuccess(found.status, 'search on a key');
    assert.deepEqual(sortedIds(found.results), ['999', '1999']);
    assert.ok(found.results.every(r => r.tenant === 'k999'), JSON.stringify(found.results));
    const counted = await client.query({ collection_name, filter: 'tenant like "k1%"', output_fields: ['count(*)'] });
    assertSuccess(counted.status, 'count');
    // k1, k10-k19, k100-k199: 111 keys, two rows each.
    assert.equal(Number(counted.data[0]['count(*)']), 222);
  });

test('IVF_SQ8: created, described with its parameters and searched once the sealed segment is indexed',
  { timeout: TEST_TIMEOUT_MS }, async t => {
    const { client, collection } = fixture(t);
    const collection_name = collection('nodecoll_sq8');
    assertSuccess(await client.createCollection({
      collection_name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vec', data_type: DataType.FloatVector, dim: 16 },
      ],
    }), 'createCollection');
    assertSuccess(await client.createIndex({
      collection_name, field_name: 'vec', index_type: 'IVF_SQ8', metric_type: 'L2', params: { nlist: 16 },
    }), 'createIndex IVF_SQ8');
    assertSuccess(await client.loadCollectionSync({ collection_name }), 'loadCollectionSync');
    const next = random(21);
    const vectors = range(0, 2000).map(i => Array.from(Float32Array.from({ length: 16 },
      (_, d) => ((i % 9) * 7 + d) % 5 - 2 + (next() - 0.5) * 0.6)));
    assertSuccess((await client.insert({ collection_name, data: vectors.map((vec, id) => ({ id, vec })) })).status,
      'insert');
    assertSuccess((await client.flushSync({ collection_names: [collection_name] })).status, 'flushSync');

    const deadline = Date.now() + 60_000;
    let desc;
    do {
      await new Promise(resolve => setTimeout(resolve, 100));
      const res = await client.describeIndex({ collection_name, field_name: 'vec' });
      assertSuccess(res.status, 'describeIndex');
      desc = res.index_descriptions[0];
    } while ((desc.state !== 'Finished' || Number(desc.pending_index_rows) > 0) && Date.now() < deadline);
    assert.equal(desc.state, 'Finished', JSON.stringify(desc));
    assert.equal(Number(desc.indexed_rows), 2000, JSON.stringify(desc));
    const params = Object.fromEntries(desc.params.map(p => [p.key, p.value]));
    assert.equal(params.index_type, 'IVF_SQ8');
    assert.equal(params.metric_type, 'L2');
    assert.equal(Number(JSON.parse(params.params).nlist), 16, JSON.stringify(desc.params));

    for (const id of [7, 1234, 1999]) {
      const res = await client.search({ collection_name, data: vectors[id], limit: 5, params: { nprobe: 16 } });
      assertSuccess(res.status, `search ${id}`);
      assert.equal(res.results.length, 5);
      assert.equal(String(res.results[0].id), String(id), JSON.stringify(res.results));
      // An 8-bit code's distance to its own vector is small but not exact.
      assert.ok(res.results[0].score < 0.05, `score ${res.results[0].score}`);
    }
  });

test('truncateCollection removes every row and keeps the schema, partitions, index and load state',
  { timeout: TEST_TIMEOUT_MS }, async t => {
    const { client, collection } = fixture(t);
    const collection_name = collection('nodecoll_truncate');
    assertSuccess(await client.createCollection(simpleCollection(collection_name)), 'createCollection');
    assertSuccess(await client.createPartition({ collection_name, partition_name: 'p1' }), 'createPartition');
    assertSuccess((await client.insert({ collection_name, data: range(0, 10).map(id => ({ id, vec: [id, 0, 0, 0] })) }))
      .status, 'insert');
    assertSuccess((await client.insert({
      collection_name, partition_name: 'p1', data: range(10, 15).map(id => ({ id, vec: [id, 0, 0, 0] })),
    })).status, 'insert p1');
    assert.equal((await ids(client, collection_name, 'id >= 0')).length, 15);

    const truncated = await client.truncateCollection({ collection_name });
    assertSuccess(truncated.status ?? truncated, 'truncateCollection');
    assert.deepEqual(await ids(client, collection_name, 'id >= 0'), []);
    assert.deepEqual(await searchIds(client, collection_name), []);
    assert.equal(await loadState(client, collection_name), 'LoadStateLoaded');
    const partitions = await client.showPartitions({ collection_name });
    assert.deepEqual([...partitions.partition_names].sort(), ['_default', 'p1']);
    const index = await client.describeIndex({ collection_name, field_name: 'vec' });
    assertSuccess(index.status, 'describeIndex after truncate');

    assertSuccess((await client.insert({
      collection_name, partition_name: 'p1', data: [{ id: 3, vec: [3, 0, 0, 0] }, { id: 40, vec: [40, 0, 0, 0] }],
    })).status, 'insert after truncate');
    assert.deepEqual(await ids(client, collection_name, 'id >= 0'), ['3', '40']);
    assert.deepEqual(await ids(client, collection_name, 'id >= 0', { partition_names: ['p1'] }), ['3', '40']);
  });

test('upsert with partial_update keeps the fields and dynamic keys a row leaves out and inserts new keys',
  { timeout: TEST_TIMEOUT_MS }, async t => {
    const { client, collection } = fixture(t);
    const collection_name = collection('nodecoll_partialupsert');
    assertSuccess(await client.createCollection({
      ...simpleCollection(collection_name, [
        { name: 'title', data_type: DataType.VarChar, max_length: 32 },
        { name: 'rank', data_type: DataType.Int32 },
      ]),
      enable_dynamic_field: true,
    }), 'createCollection');
    const original = range(0, 4)
      .map(id => ({ id, vec: [id, 0.5, 0.25, 0], title: `t${id}`, rank: id * 10, color: `c${id}` }));
    assertSuccess((await client.insert({ collection_name, data: original })).status, 'insert');

    // Every row of one partial upsert carries the same fields (the SDK sends one column per field). Dynamic keys
    // are merged into the row's: a sent key replaces the stored one, the others stay.
    const partial = async (data, count) => {
      const upserted = await client.upsert({ collection_name, partial_update: true, data });
      assertSuccess(upserted.status, `partial upsert ${JSON.stringify(data)}`);
      assert.equal(Number(upserted.upsert_cnt), count);
    };
    await partial([{ id: 1, rank: 99 }, { id: 3, rank: 33 }], 2);
    await partial([{ id: 2, title: 'renamed', size: 'XL' }], 1);
    await partial([
      { id: 0, vec: [0, 1, 1, 1], title: 'zero', rank: 7, color: 'c0b' },
      { id: 9, vec: [9, 9, 9, 9], title: 'new', rank: 90, color: 'c9' },
    ], 2);

    const res = await client.query({
      collection_name, filter: 'id >= 0', output_fields: ['id', 'vec', 'title', 'rank', 'color', 'size'],
    });
    assertSuccess(res.status, 'query');
    // Dynamic keys come back flattened or inside '$meta', depending on the SDK's row building.
    const key = (row, name) => row[name] ?? row.$meta?.[name];
    const byId = Object.fromEntries(res.data.map(r => [String(r.id),
      [r.vec.map(Number), r.title, Number(r.rank), key(r, 'color'), key(r, 'size')]]));
    assert.deepEqual(byId, {
      0: [[0, 1, 1, 1], 'zero', 7, 'c0b', undefined],
      1: [[1, 0.5, 0.25, 0], 't1', 99, 'c1', undefined],
      2: [[2, 0.5, 0.25, 0], 'renamed', 20, 'c2', 'XL'],
      3: [[3, 0.5, 0.25, 0], 't3', 33, 'c3', undefined],
      9: [[9, 9, 9, 9], 'new', 90, 'c9', undefined],
    });

    // A new key under partial_update needs every field an insert needs.
    await assertRefused(() => client.upsert({ collection_name, partial_update: true, data: [{ id: 20, rank: 1 }] }),
      /field vec is missing in the data/);
    assert.deepEqual(await ids(client, collection_name, 'id >= 0'), ['0', '1', '2', '3', '9']);
  });
