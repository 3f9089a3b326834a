// Acceptance test: the official Milvus Node SDK with the vector types beyond float32 and with schema changes, against a
// running VectorVault server with authentication on: binary vectors under BIN_FLAT/HAMMING and BIN_IVF_FLAT/JACCARD,
// Float16, BFloat16 and Int8 vectors (insert, search, query output equal to what was inserted), and
// addCollectionField / alterCollectionFieldProperties on a collection that already holds rows.
// Run with `MILVUS_ADDRESS=127.0.0.1:19530 node --test` (NodeSdkAcceptanceTest does this).
//
// Search results are checked against distances computed here: each hit's score must be its own row's distance, and
// the scores must be the smallest (or largest, for IP) the rows have, so ties may come in either order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataType } from '@zilliz/milvus2-sdk-node';
import { assertSuccess, fixture, random, sortedIds, TEST_TIMEOUT_MS } from './support.mjs';

const ROWS = 40;

function popcount(byte) {
  let n = 0;
  for (let b = byte; b; b >>= 1) {
    n += b & 1;
  }
  return n;
}

function hamming(a, b) {
  return a.reduce((sum, x, i) => sum + popcount(x ^ b[i]), 0);
}

function jaccard(a, b) {
  let and = 0;
  let or = 0;
  a.forEach((x, i) => {
    and += popcount(x & b[i]);
    or += popcount(x | b[i]);
  });
  return or === 0 ? 0 : 1 - and / or;
}

function squaredL2(a, b) {
  return a.reduce((sum, x, i) => sum + (x - b[i]) ** 2, 0);
}

function ip(a, b) {
  return a.reduce((sum, x, i) => sum + x * b[i], 0);
}

/**
 * Checks a search's hits: each score is the distance of the hit's own row, and the scores are the best `limit` the
 * rows give (ascending for distances, descending for similarities), within float32 rounding.
 */
function assertExactHits(hits, rows, field, query, distance, limit, descending = false) {
  assert.equal(hits.length, limit, JSON.stringify(hits));
  const byId = new Map(rows.map(r => [String(r.id), r]));
  for (const hit of hits) {
    const expected = distance(byId.get(String(hit.id))[field], query);
    assert.ok(Math.abs(hit.score - expected) <= 1e-4 * Math.max(1, Math.abs(expected)),
      `${field}: hit ${hit.id} scored ${hit.score}, its row gives ${expected}`);
  }
  const best = rows.map(r => distance(r[field], query)).sort((x, y) => (descending ? y - x : x - y)).slice(0, limit);
  hits.forEach((hit, i) => assert.ok(Math.abs(hit.score - best[i]) <= 1e-4 * Math.max(1, Math.abs(best[i])),
    `${field}: hit ${i} scored ${hit.score}, the ${i + 1}th best is ${best[i]}`));
}

async function queryAll(client, collection_name, output_fields) {
  const res = await client.query({ collection_name, filter: 'id >= 0', output_fields, limit: ROWS * 2 });
  assertSuccess(res.status, `query ${output_fields}`);
  return new Map(res.data.map(r => [String(r.id), r]));
}

test('binary vectors: BIN_FLAT with HAMMING and BIN_IVF_FLAT with JACCARD, search and query output bytes',
  { timeout: TEST_TIMEOUT_MS }, async t => {
    const { client, collection } = fixture(t);
    const collection_name = collection('nodevec_binary');
    assertSuccess(await client.createCollection({
      collection_name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'bh', data_type: DataType.BinaryVector, dim: 32 },
        { name: 'bj', data_type: DataType.BinaryVector, dim: 32 },
      ],
      index_params: [
        { field_name: 'bh', index_type: 'BIN_FLAT', metric_type: 'HAMMING' },
        { field_name: 'bj', index_type: 'BIN_IVF_FLAT', metric_type: 'JACCARD', params: { nlist: 4 } },
      ],
    }), 'createCollection');

    const next = random(11);
    const bytes = () => Array.from({ length: 4 }, () => Math.floor(next() * 256));
    const rows = Array.from({ length: ROWS }, (_, id) => ({ id, bh: bytes(), bj: bytes() }));
    const inserted = await client.insert({ collection_name, data: rows });
    assertSuccess(inserted.status, 'insert');
    assert.equal(Number(inserted.insert_cnt), ROWS);

    const read = await queryAll(client, collection_name, ['id', 'bh', 'bj']);
    assert.equal(read.size, ROWS);
    for (const row of rows) {
      assert.deepEqual(read.get(String(row.id)).bh, row.bh, `bh of ${row.id}`);
      assert.deepEqual(read.get(String(row.id)).bj, row.bj, `bj of ${row.id}`);
    }

    const query = bytes();
    const byHamming = await client.search({
      collection_name, data: [query], anns_field: 'bh', limit: 5, output_fields: ['bh'],
    });
    assertSuccess(byHamming.status, 'HAMMING search');
    assertExactHits(byHamming.results, rows, 'bh', query, hamming, 5);
    byHamming.results.forEach(hit => assert.deepEqual(hit.bh, rows[Number(hit.id)].bh));

    // nprobe = nlist: every list is probed, so BIN_IVF_FLAT answers exactly.
    const byJaccard = await client.search({
      collection_name, data: [query], anns_field: 'bj', limit: 5, params: { nprobe: 4 },
    });
    assertSuccess(byJaccard.status, 'JACCARD search');
    assertExactHits(byJaccard.results, rows, 'bj', query, jaccard, 5);

    const wrongMetric = await client.search({
      collection_name, data: [query], anns_field: 'bh', limit: 5, metric_type: 'L2',
    });
    assert.notEqual(wrongMetric.status.error_code, 'Success');
  });

test('Float16, BFloat16 and Int8 vectors: insert, search, and query output equal to what was inserted',
  { timeout: TEST_TIMEOUT_MS }, async t => {
    const { client, collection } = fixture(t);
    const collection_name = collection('nodevec_half');
    const DIM = 8;
    assertSuccess(await client.createCollection({
      collection_name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'f16', data_type: DataType.Float16Vector, dim: DIM },
        { name: 'bf16', data_type: DataType.BFloat16Vector, dim: DIM },
        { name: 'i8', data_type: DataType.Int8Vector, dim: DIM },
      ],
      index_params: [
        { field_name: 'f16', index_type: 'FLAT', metric_type: 'L2' },
        { field_name: 'bf16', index_type: 'HNSW', metric_type: 'IP', params: { M: 16, efConstruction: 64 } },
        { field_name: 'i8', index_type: 'HNSW', metric_type: 'L2', params: { M: 16, efConstruction: 64 } },
      ],
    }), 'createCollection');

    // Multiples of 1/8 in [-4, 4): exact in float16 and bfloat16, so what comes back must equal what went in.
    const next = random(23);
    const eighths = () => Array.from({ length: DIM }, () => Math.floor(next() * 64 - 32) / 8);
    const int8s = () => Array.from({ length: DIM }, () => Math.floor(next() * 256) - 128);
    const rows = Array.from({ length: ROWS }, (_, id) => ({ id, f16: eighths(), bf16: eighths(), i8: int8s() }));
    const inserted = await client.insert({ collection_name, data: rows });
    assertSuccess(inserted.status, 'insert');

    const read = await queryAll(client, collection_name, ['id', 'f16', 'bf16', 'i8']);
    assert.equal(read.size, ROWS);
    for (const row of rows) {
      const got = read.get(String(row.id));
      assert.deepEqual(Array.from(got.f16), row.f16, `f16 of ${row.id}`);
      assert.deepEqual(Array.from(got.bf16), row.bf16, `bf16 of ${row.id}`);
      // The SDK hands Int8 rows back as the raw bytes (0..255): read them as signed.
      assert.deepEqual(Array.from(Int8Array.from(got.i8)), row.i8, `i8 of ${row.id}`);
    }

    const q = eighths();
    const f16 = await client.search({ collection_name, data: [q], anns_field: 'f16', limit: 5 });
    assertSuccess(f16.status, 'f16 search');
    assertExactHits(f16.results, rows, 'f16', q, squaredL2, 5);
    const bf16 = await client.search({
      collection_name, data: [q], anns_field: 'bf16', limit: 5, params: { ef: ROWS },
    });
    assertSuccess(bf16.status, 'bf16 search');
    assertExactHits(bf16.results, rows, 'bf16', q, ip, 5, true);
    const qi = int8s();
    const i8 = await client.search({
      collection_name, data: [qi], anns_field: 'i8', limit: 5, params: { ef: ROWS }, output_fields: ['i8'],
    });
    assertSuccess(i8.status, 'i8 search');
    assertExactHits(i8.results, rows, 'i8', qi, squaredL2, 5);
    i8.results.forEach(hit => assert.deepEqual(Array.from(Int8Array.from(hit.i8)), rows[Number(hit.id)].i8));
  });

test('schema changes: addCollectionField on a collection with rows, then alterCollectionFieldProperties max_length',
  { timeout: TEST_TIMEOUT_MS }, async t => {
    const { client, collection } = fixture(t);
    const collection_name = collection('nodevec_schema');
    assertSuccess(await client.createCollection({
      collection_name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vector', data_type: DataType.FloatVector, dim: 2 },
      ],
      index_params: [{ field_name: 'vector', index_type: 'FLAT', metric_type: 'L2' }],
    }), 'createCollection');
    const old = [0, 1, 2].map(id => ({ id, vector: [id, 1] }));
    assertSuccess((await client.insert({ collection_name, data: old })).status, 'insert before');

    assertSuccess(await client.addCollectionField({
      collection_name,
      field: { name: 'extra', data_type: DataType.Int64, nullable: true, default_value: 7 },
    }), 'addCollectionField extra');
    assertSuccess(await client.addCollectionField({
      collection_name,
      field: { name: 'note', data_type: DataType.VarChar, max_length: 8, nullable: true },
    }), 'addCollectionField note');
    const described = await client.describeCollection({ collection_name });
    assertSuccess(described.status, 'describeCollection');
    assert.deepEqual(described.schema.fields.map(f => f.name), ['id', 'vector', 'extra', 'note']);

    const added = [3, 4].map(id => ({ id, vector: [id, 1], extra: 40 + id, note: `n${id}` }));
    assertSuccess((await client.insert({ collection_name, data: added })).status, 'insert after');

    const rows = await queryAll(client, collection_name, ['id', 'extra', 'note']);
    for (const id of [0, 1, 2]) {
      assert.equal(Number(rows.get(String(id)).extra), 7, `default of old row ${id}`);
      assert.equal(rows.get(String(id)).note, null, `null of old row ${id}`);
    }
    for (const id of [3, 4]) {
      assert.equal(Number(rows.get(String(id)).extra), 40 + id);
      assert.equal(rows.get(String(id)).note, `n${id}`);
    }
    const byDefault = await client.query({ collection_name, filter: 'extra == 7', output_fields: ['id'] });
    assertSuccess(byDefault.status, 'filter on the default');
    assert.deepEqual(sortedIds(byDefault.data), ['0', '1', '2']);
    const nulls = await client.query({ collection_name, filter: 'note is null', output_fields: ['id'] });
    assertSuccess(nulls.status, 'is null');
    assert.deepEqual(sortedIds(nulls.data), ['0', '1', '2']);

    const long = 'twenty-characters-xx';
    const tooLong = await client.insert({ collection_name, data: [{ id: 5, vector: [5, 1], note: long }] });
    assert.notEqual(tooLong.status.error_code, 'Success', 'a note over max_length 8 must be refused');
    assertSuccess(await client.alterCollectionFieldProperties({
      collection_name, field_name: 'note', properties: { max_length: 32 },
    }), 'alterCollectionFieldProperties');
    const params = (await client.describeCollection({ collection_name })).schema.fields
      .find(f => f.name === 'note').type_params;
    assert.equal(String(params.find(p => p.key === 'max_length')?.value), '32', JSON.stringify(params));
    assertSuccess((await client.insert({ collection_name, data: [{ id: 5, vector: [5, 1], note: long }] })).status,
      'insert after widening');
    const widened = await queryAll(client, collection_name, ['id', 'note']);
    assert.equal(widened.get('5').note, long);
    assert.equal(widened.get('0').note, null);
  });
