// Acceptance test: the official Milvus Node SDK with scalar indexes answering filters, against a running VectorVault
// server with authentication on: STL_SORT on an Int64, INVERTED on a VarChar, BITMAP on a small-cardinality Int32 and
// AUTOINDEX on an Int16, built on a flushed (sealed) segment of 3,000 rows, listed and described as Finished; queries
// and filtered searches return exactly the rows the inserted data gives (computed here) before the indexes exist,
// while they exist and after they are dropped.
// Run with `MILVUS_ADDRESS=127.0.0.1:19530 node --test` (NodeSdkAcceptanceTest does this).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataType } from '@zilliz/milvus2-sdk-node';
import { assertSuccess, fixture, TEST_TIMEOUT_MS } from './support.mjs';

const ROWS = 3000;
const PREFIXES = ['alpha', 'beta', 'gamma', 'delta'];
const price = id => (id * 37) % 1000;
const tag = id => `${PREFIXES[id % PREFIXES.length]}-${id % 97}`;
const color = id => id % 5;
const rank = id => id % 13;

/** Filters over every indexed field and their answers from the inserted data. */
const CASES = [
  ['price == 123', id => price(id) === 123],
  ['price >= 100 and price < 140', id => price(id) >= 100 && price(id) < 140],
  ['200 < price <= 230', id => price(id) > 200 && price(id) <= 230],
  ['tag == "gamma-5"', id => tag(id) === 'gamma-5'],
  ['tag in ["beta-1", "delta-3", "nobody"]', id => ['beta-1', 'delta-3'].includes(tag(id))],
  ['tag like "beta-1%"', id => tag(id).startsWith('beta-1')],
  ['color in [1, 3]', id => color(id) === 1 || color(id) === 3],
  ['color == 4 and rank == 12', id => color(id) === 4 && rank(id) === 12],
  ['rank >= 11', id => rank(id) >= 11],
  ['(color == 2 and price > 900) or (tag like "delta-1%" and rank != 3)',
    id => (color(id) === 2 && price(id) > 900) || (tag(id).startsWith('delta-1') && rank(id) !== 3)],
  ['not (color in [0, 1, 2]) and rank <= 4 and price < 500', id => color(id) > 2 && rank(id) <= 4 && price(id) < 500],
];

const INDEXES = [
  { field_name: 'price', index_name: 'price_sort', index_type: 'STL_SORT' },
  { field_name: 'tag', index_name: 'tag_inverted', index_type: 'INVERTED' },
  { field_name: 'color', index_name: 'color_bitmap', index_type: 'BITMAP' },
  { field_name: 'rank', index_name: 'rank_auto', index_type: 'AUTOINDEX' },
];

async function assertAnswers(client, collection_name, when) {
  for (const [filter, matches] of CASES) {
    const expected = Array.from({ length: ROWS }, (_, id) => id).filter(matches);
    assert.ok(expected.length > 0, `${filter} selects something`);
    const queried = await client.query({
      collection_name, filter, output_fields: ['id', 'price', 'tag', 'color', 'rank'],
    });
    assertSuccess(queried.status, `query ${filter} ${when}`);
    for (const row of queried.data) {
      const id = Number(row.id);
      assert.deepEqual([Number(row.price), row.tag, Number(row.color), Number(row.rank)],
        [price(id), tag(id), color(id), rank(id)], `row ${id}`);
    }
    assert.deepEqual(queried.data.map(r => Number(r.id)).sort((a, b) => a - b), expected, `query ${filter} ${when}`);

    // Row id's vector is (id / 1000, 0, 0, 0): the nearest rows to the origin are the matching rows of smallest id.
    const searched = await client.search({ collection_name, data: [0, 0, 0, 0], limit: 50, filter });
    assertSuccess(searched.status, `search ${filter} ${when}`);
    assert.deepEqual(searched.results.map(r => Number(r.id)), expected.slice(0, 50), `search ${filter} ${when}`);
  }
}

async function awaitBuilt(client, collection_name, index_name) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await client.describeIndex({ collection_name, index_name });
    assertSuccess(res.status, `describeIndex ${index_name}`);
    const desc = res.index_descriptions[0];
    if ((desc.state === 'Finished' && Number(desc.pending_index_rows) === 0) || Date.now() > deadline) {
      return desc;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

test('scalar indexes STL_SORT, INVERTED, BITMAP and AUTOINDEX answer filters exactly as the scan does',
  { timeout: TEST_TIMEOUT_MS }, async t => {
    const { client, collection } = fixture(t);
    const collection_name = collection('nodeidx_scalar');
    assertSuccess(await client.createCollection({
      collection_name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vec', data_type: DataType.FloatVector, dim: 4 },
        { name: 'price', data_type: DataType.Int64 },
        { name: 'tag', data_type: DataType.VarChar, max_length: 32 },
        { name: 'color', data_type: DataType.Int32 },
        { name: 'rank', data_type: DataType.Int16 },
      ],
      index_params: [{ field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' }],
    }), 'createCollection');
    for (let start = 0; start < ROWS; start += 1000) {
      const data = Array.from({ length: 1000 }, (_, i) => {
        const id = start + i;
        return { id, vec: [id / 1000, 0, 0, 0], price: price(id), tag: tag(id), color: color(id), rank: rank(id) };
      });
      assertSuccess((await client.insert({ collection_name, data })).status, 'insert');
    }
    // Flushing seals the 3,000 rows into one segment, which is large enough to be indexed (1,024 rows or more).
    assertSuccess((await client.flushSync({ collection_names: [collection_name] })).status, 'flushSync');
    await assertAnswers(client, collection_name, 'before the scalar indexes');

    for (const index of INDEXES) {
      assertSuccess(await client.createIndex({ collection_name, ...index }), `createIndex ${index.index_name}`);
    }
    const listed = await client.listIndexes({ collection_name });
    assertSuccess(listed.status, 'listIndexes');
    for (const index of INDEXES) {
      assert.ok(listed.indexes.includes(index.index_name), JSON.stringify(listed.indexes));
      const desc = await awaitBuilt(client, collection_name, index.index_name);
      assert.equal(desc.state, 'Finished', JSON.stringify(desc));
      assert.equal(Number(desc.pending_index_rows), 0, JSON.stringify(desc));
      assert.equal(Number(desc.indexed_rows), ROWS, JSON.stringify(desc));
      assert.equal(desc.field_name, index.field_name);
      const params = Object.fromEntries(desc.params.map(p => [p.key, p.value]));
      assert.equal(params.index_type, index.index_type, JSON.stringify(desc.params));
    }
    await assertAnswers(client, collection_name, 'with the scalar indexes');

    for (const index of INDEXES) {
      assertSuccess(await client.dropIndex({ collection_name, index_name: index.index_name }),
        `dropIndex ${index.index_name}`);
    }
    const after = await client.listIndexes({ collection_name });
    assertSuccess(after.status, 'listIndexes after dropIndex');
    assert.deepEqual(after.indexes.filter(name => INDEXES.some(i => i.index_name === name)), []);
    await assertAnswers(client, collection_name, 'after dropIndex');
  });
