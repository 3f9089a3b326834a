// Acceptance test: the official Milvus Node SDK (@zilliz/milvus2-sdk-node, pinned) doing everyday data work against a
// running VectorVault server with authentication on: collections (quick setup and a custom schema with an index),
// insert, search, query, count, delete, upsert, statistics, drop. Run with `MILVUS_ADDRESS=127.0.0.1:19530 node --test`
// (NodeSdkAcceptanceTest does this against a fresh server). Root must still have the default password.
//
// The Node SDK resolves with the response when the server reports a failure in the status (so every call's status is
// checked here) and rejects only on gRPC errors. Int64 values such as ids come back as strings.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataType } from '@zilliz/milvus2-sdk-node';
import {
  assertSuccess, fixture, random, sortedIds, TEST_TIMEOUT_MS, uniqueCollectionName,
} from './support.mjs';

const DIM = 8;

/** A vector of DIM float32 values in [-1, 1), rounded through Float32Array like the wire format. */
function vector(next) {
  return Array.from(Float32Array.from({ length: DIM }, () => next() * 2 - 1));
}

function cosine(a, b) {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

function squaredL2(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) {
    sum += (a[i] - b[i]) ** 2;
  }
  return sum;
}

function range(from, to) {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/**
 * A dynamic-field value of a query row. Query rows keep dynamic keys inside '$meta' (the SDK builds rows from the
 * returned field columns, and the dynamic column is called '$meta'); accept the flattened form too.
 */
function dynamic(row, key) {
  return row[key] ?? row.$meta?.[key];
}

async function count(client, collection_name, filter) {
  const res = await client.query({ collection_name, filter, output_fields: ['count(*)'] });
  assertSuccess(res.status, `count(*) ${filter ?? ''}`);
  assert.equal(res.data.length, 1, JSON.stringify(res.data));
  return Number(res.data[0]['count(*)']);
}

test('quick setup: insert, search, query, count, delete, upsert, statistics and drop', { timeout: TEST_TIMEOUT_MS },
  async t => {
    const { client, collection } = fixture(t);
    const collection_name = collection('nodedata_quick');

    // Quick setup: Int64 primary key 'id', float vector 'vector', dynamic field on, COSINE index, loaded.
    assertSuccess(await client.createCollection({ collection_name, dimension: DIM }), 'createCollection');
    const has = await client.hasCollection({ collection_name });
    assertSuccess(has.status, 'hasCollection');
    assert.equal(has.value, true);

    const described = await client.describeCollection({ collection_name });
    assertSuccess(described.status, 'describeCollection');
    assert.equal(described.collection_name, collection_name);
    assert.equal(described.schema.enable_dynamic_field, true);
    const fields = Object.fromEntries(described.schema.fields.map(f => [f.name, f]));
    assert.deepEqual(Object.keys(fields).sort(), ['id', 'vector']);
    assert.equal(fields.id.data_type, 'Int64');
    assert.equal(fields.id.is_primary_key, true);
    assert.equal(fields.vector.data_type, 'FloatVector');
    assert.equal(Number(fields.vector.dim), DIM);
    const index = await client.describeIndex({ collection_name, field_name: 'vector' });
    assertSuccess(index.status, 'describeIndex');
    assert.equal(index.index_descriptions.length, 1);
    const indexParams = Object.fromEntries(index.index_descriptions[0].params.map(p => [p.key, p.value]));
    assert.equal(indexParams.metric_type, 'COSINE');

    const next = random(20240611);
    const vectors = range(0, 100).map(() => vector(next));
    const data = vectors.map((v, id) => ({ id, vector: v, color: id % 2 === 0 ? 'red' : 'blue' }));
    const inserted = await client.insert({ collection_name, data });
    assertSuccess(inserted.status, 'insert');
    assert.equal(Number(inserted.insert_cnt), 100);
    assert.deepEqual(inserted.IDs.int_id.data.map(String), range(0, 100).map(String));

    // A query equal to a stored vector finds that vector first, with cosine similarity 1.
    for (const id of [0, 37, 99]) {
      const found = await client.search({ collection_name, data: vectors[id], limit: 3, output_fields: ['id'] });
      assertSuccess(found.status, `search for ${id}`);
      assert.equal(found.results.length, 3);
      assert.equal(String(found.results[0].id), String(id), JSON.stringify(found.results));
      assert.ok(Math.abs(found.results[0].score - 1) < 1e-5, `score ${found.results[0].score}`);
      assert.ok(found.results[1].score <= found.results[0].score, 'scores are not in descending order');
    }

    // The whole top 10 matches a brute-force answer; scores match it too.
    const query = vector(next);
    const expected = range(0, 100).sort((a, b) => cosine(vectors[b], query) - cosine(vectors[a], query)).slice(0, 10);
    const top10 = await client.search({ collection_name, data: query, limit: 10, output_fields: ['id', 'color'] });
    assertSuccess(top10.status, 'top-10 search');
    assert.deepEqual(top10.results.map(r => String(r.id)), expected.map(String));
    top10.results.forEach((hit, i) => {
      assert.ok(Math.abs(hit.score - cosine(vectors[expected[i]], query)) < 1e-4, `score of ${hit.id}: ${hit.score}`);
      assert.equal(hit.color, Number(hit.id) % 2 === 0 ? 'red' : 'blue');
    });

    // Two query vectors at once, with a filter on a dynamic key.
    const batch = await client.search({
      collection_name, data: [vectors[4], vectors[5]], limit: 5, filter: 'color == "red"',
      output_fields: ['id', 'color'],
    });
    assertSuccess(batch.status, 'batch search');
    assert.equal(batch.results.length, 2);
    for (const perQuery of batch.results) {
      assert.equal(perQuery.length, 5);
      for (const hit of perQuery) {
        assert.equal(hit.color, 'red', JSON.stringify(hit));
        assert.equal(Number(hit.id) % 2, 0, JSON.stringify(hit));
      }
    }
    assert.equal(String(batch.results[0][0].id), '4');

    // Query with a filter and output fields.
    const queried = await client.query({ collection_name, filter: 'id < 5', output_fields: ['id', 'color'] });
    assertSuccess(queried.status, 'query');
    assert.deepEqual(sortedIds(queried.data), ['0', '1', '2', '3', '4']);
    for (const row of queried.data) {
      assert.equal(dynamic(row, 'color'), Number(row.id) % 2 === 0 ? 'red' : 'blue', JSON.stringify(row));
      assert.equal(row.vector, undefined, 'vector returned without being asked for');
    }
    const withVector = await client.query({ collection_name, filter: 'id == 37', output_fields: ['vector'] });
    assertSuccess(withVector.status, 'query vector');
    assert.equal(withVector.data.length, 1);
    assert.deepEqual(withVector.data[0].vector, vectors[37]);

    assert.equal(await count(client, collection_name), 100);
    assert.equal(await count(client, collection_name, 'color == "blue" and id >= 50'), 25);
    const counted = await client.count({ collection_name });
    assertSuccess(counted.status, 'count');
    assert.equal(counted.data, 100);

    // Delete by ids and by filter.
    const byIds = await client.delete({ collection_name, ids: [0, 1, 2] });
    assertSuccess(byIds.status, 'delete by ids');
    assert.equal(Number(byIds.delete_cnt), 3);
    const byFilter = await client.delete({ collection_name, filter: 'id >= 90' });
    assertSuccess(byFilter.status, 'delete by filter');
    assert.equal(Number(byFilter.delete_cnt), 10);
    assert.equal(await count(client, collection_name), 87);
    const gone = await client.get({ collection_name, ids: [0, 3, 95], output_fields: ['id'] });
    assertSuccess(gone.status, 'get');
    assert.deepEqual(sortedIds(gone.data), ['3']);
    const afterDelete = await client.search({ collection_name, data: vectors[95], limit: 1, output_fields: ['id'] });
    assertSuccess(afterDelete.status, 'search after delete');
    assert.notEqual(String(afterDelete.results[0].id), '95', 'a deleted row is still found by search');

    // Upsert one deleted id (comes back) and one live id (replaced): one row more in all.
    const upserted = await client.upsert({
      collection_name,
      data: [{ id: 0, vector: vectors[0], color: 'green' }, { id: 3, vector: vectors[3], color: 'green' }],
    });
    assertSuccess(upserted.status, 'upsert');
    assert.equal(Number(upserted.upsert_cnt), 2);
    assert.equal(await count(client, collection_name), 88);
    const green = await client.query({ collection_name, filter: 'color == "green"', output_fields: ['id', 'color'] });
    assertSuccess(green.status, 'query after upsert');
    assert.deepEqual(sortedIds(green.data), ['0', '3']);
    assert.equal(await count(client, collection_name, 'id == 3'), 1);

    const stats = await client.getCollectionStatistics({ collection_name });
    assertSuccess(stats.status, 'getCollectionStatistics');
    assert.equal(Number(stats.data.row_count), 88);

    // Dropping is idempotent; afterwards the collection is gone for every call.
    assertSuccess(await client.dropCollection({ collection_name }), 'dropCollection');
    assertSuccess(await client.dropCollection({ collection_name }), 'second dropCollection');
    const hasAfter = await client.hasCollection({ collection_name });
    assertSuccess(hasAfter.status, 'hasCollection after drop');
    assert.equal(hasAfter.value, false);
    const queryDropped = await client.query({ collection_name, filter: 'id > 0' });
    assert.equal(queryDropped.status.error_code, 'CollectionNotExists', JSON.stringify(queryDropped.status));
    assert.equal(queryDropped.status.code, 100);
    assert.match(queryDropped.status.reason, /collection not found/);
  });

test('custom schema with an L2 FLAT index: exact search, filtered query, deletes', { timeout: TEST_TIMEOUT_MS },
  async t => {
    const { client, collection } = fixture(t);
    const collection_name = collection('nodedata_schema');

    // With index_params the SDK creates the collection, the index, and loads it.
    assertSuccess(await client.createCollection({
      collection_name,
      fields: [
        { name: 'pk', data_type: DataType.Int64, is_primary_key: true, autoID: false },
        { name: 'embedding', data_type: DataType.FloatVector, dim: DIM },
        { name: 'title', data_type: DataType.VarChar, max_length: 64 },
        { name: 'rank', data_type: DataType.Int32 },
      ],
      index_params: [{ field_name: 'embedding', index_type: 'FLAT', metric_type: 'L2' }],
    }), 'createCollection with fields');

    const described = await client.describeCollection({ collection_name });
    assertSuccess(described.status, 'describeCollection');
    assert.deepEqual(described.schema.fields.map(f => f.name), ['pk', 'embedding', 'title', 'rank']);
    assert.equal(described.schema.fields.find(f => f.name === 'title').data_type, 'VarChar');
    const index = await client.describeIndex({ collection_name, field_name: 'embedding' });
    assertSuccess(index.status, 'describeIndex');
    const indexParams = Object.fromEntries(index.index_descriptions[0].params.map(p => [p.key, p.value]));
    assert.equal(indexParams.metric_type, 'L2');

    const next = random(7);
    const vectors = new Map();
    const rows = range(1000, 1060).map(pk => {
      const v = vector(next);
      vectors.set(pk, v);
      return { pk, embedding: v, title: `t${pk - 1000}`, rank: pk - 1000 };
    });
    const inserted = await client.insert({ collection_name, data: rows });
    assertSuccess(inserted.status, 'insert');
    assert.equal(Number(inserted.insert_cnt), 60);

    // A stored vector is its own nearest neighbour at distance 0, and the top 5 is the brute-force top 5.
    const found = await client.search({
      collection_name, data: vectors.get(1042), limit: 5, output_fields: ['pk', 'title'],
    });
    assertSuccess(found.status, 'search');
    assert.equal(String(found.results[0].pk), '1042', JSON.stringify(found.results));
    assert.equal(found.results[0].title, 't42');
    assert.ok(Math.abs(found.results[0].score) < 1e-6, `score ${found.results[0].score}`);
    const expected = [...vectors.keys()]
      .sort((a, b) => squaredL2(vectors.get(a), vectors.get(1042)) - squaredL2(vectors.get(b), vectors.get(1042)))
      .slice(0, 5);
    assert.deepEqual(found.results.map(r => String(r.pk)), expected.map(String));
    found.results.forEach((hit, i) => {
      assert.ok(Math.abs(hit.score - squaredL2(vectors.get(expected[i]), vectors.get(1042))) < 1e-4,
        `L2 score of ${hit.pk}: ${hit.score}`);
      if (i > 0) {
        assert.ok(hit.score >= found.results[i - 1].score, 'L2 distances are not in ascending order');
      }
    });

    const queried = await client.query({
      collection_name, filter: 'rank >= 10 and title like "t1%"', output_fields: ['pk', 'title', 'rank'],
    });
    assertSuccess(queried.status, 'query');
    assert.deepEqual(sortedIds(queried.data, 'pk'), range(1010, 1020).map(String));
    for (const row of queried.data) {
      assert.equal(row.title, `t${Number(row.pk) - 1000}`);
      assert.equal(Number(row.rank), Number(row.pk) - 1000);
    }
    const limited = await client.query({ collection_name, filter: 'rank < 50', output_fields: ['pk'], limit: 7 });
    assertSuccess(limited.status, 'query with limit');
    assert.equal(limited.data.length, 7);

    const deleted = await client.delete({ collection_name, filter: 'title in ["t3", "t4"] or rank > 55' });
    assertSuccess(deleted.status, 'delete by filter');
    assert.equal(Number(deleted.delete_cnt), 6);
    assert.equal(await count(client, collection_name), 54);
    assert.equal(await count(client, collection_name, 'title in ["t3", "t4"]'), 0);
    const deletedByPk = await client.delete({ collection_name, ids: [1000, 1001] });
    assertSuccess(deletedByPk.status, 'delete by ids');
    assert.equal(await count(client, collection_name), 52);

    const stats = await client.getCollectionStatistics({ collection_name });
    assertSuccess(stats.status, 'getCollectionStatistics');
    assert.equal(Number(stats.data.row_count), 52);
  });

test('server-side failures come back in the status', { timeout: TEST_TIMEOUT_MS }, async t => {
  const { client, collection } = fixture(t);
  const collection_name = collection('nodedata_errors');
  assertSuccess(await client.createCollection({ collection_name, dimension: DIM, metric_type: 'L2' }),
    'createCollection');

  const badFilter = await client.query({ collection_name, filter: 'id >', output_fields: ['id'] });
  assert.equal(badFilter.status.error_code, 'IllegalArgument', JSON.stringify(badFilter.status));
  assert.equal(badFilter.status.code, 1100);
  assert.match(badFilter.status.reason, /cannot parse expression/);

  const wrongDimension = await client.insert({ collection_name, data: [{ id: 1, vector: [1, 2, 3] }] });
  assert.equal(wrongDimension.status.error_code, 'IllegalArgument', JSON.stringify(wrongDimension.status));
  assert.equal(wrongDimension.status.code, 1100);
  assert.equal(await count(client, collection_name), 0);

  const missing = uniqueCollectionName('nodedata_missing');
  const describedMissing = await client.describeCollection({ collection_name: missing });
  assert.equal(describedMissing.status.error_code, 'CollectionNotExists', JSON.stringify(describedMissing.status));
  assert.equal(describedMissing.status.code, 100);
  // Insert describes the collection first and rejects with that failed response (the SDK's own behaviour).
  await assert.rejects(client.insert({ collection_name: missing, data: [{ id: 1, vector: vector(random(1)) }] }),
    err => {
      assert.equal(err.status?.error_code, 'CollectionNotExists', JSON.stringify(err));
      return true;
    });
  assertSuccess(await client.dropCollection({ collection_name: missing }), 'dropping a missing collection');
  const hasMissing = await client.hasCollection({ collection_name: missing });
  assert.equal(hasMissing.value, false);
});
