// Acceptance test: the official Milvus Node SDK's REST client (HttpClient, RESTful API v2) against a running VectorVault
// server with authentication on, on the gRPC port as Milvus serves it: users and roles, a quick-setup collection,
// insert, search, query, get, (partial) upsert, delete, partitions, aliases, indexes, databases, a privilege denial
// and a wrong password;
// sparse (and BM25), binary, Float16, BFloat16 and Int8 vectors in Milvus's JSON shapes, searched as the gRPC client does.
// Run with `MILVUS_ADDRESS=127.0.0.1:19530 node --test` (NodeSdkAcceptanceTest does this). Root must still have the
// default password.
//
// HttpClient resolves with Milvus's envelope {code, data, message} (code 0 = success) and rejects only on HTTP errors
// (401 for a failed login, 403 for a privilege denial), carrying the status and the envelope text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  f32ArrayToBf16Bytes, f32ArrayToF16Bytes, HttpClient, MilvusClient, RRFRanker,
} from '@zilliz/milvus2-sdk-node';

const address = process.env.MILVUS_ADDRESS;
if (!address) {
  throw new Error('set MILVUS_ADDRESS to the server address, e.g. 127.0.0.1:19530');
}
const endpoint = `http://${address}`;
const TEST_TIMEOUT_MS = 120_000;
// Every password starts with this marker, so the Java side can check that none reached the server log.
const PASSWORD_MARKER = 'NodePw';

const root = new HttpClient({ endpoint, username: 'root', password: 'Milvus' });

let sequence = 0;
function unique(prefix) {
  sequence += 1;
  return `${prefix}_${Date.now()}_${process.pid}_${sequence}`;
}

/** A user name unique to this run and within the 32-character limit. */
function uniqueUser(prefix) {
  sequence += 1;
  return `${prefix}_${Date.now() % 100_000_000}_${sequence}`;
}

function ok(res, what) {
  assert.equal(res.code, 0, `${what}: ${JSON.stringify(res)}`);
  return res.data;
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to be rejected');
}

test('REST: quick-setup collection, insert, search, query, get, delete', { timeout: TEST_TIMEOUT_MS }, async () => {
  const collectionName = unique('rest_quick');
  ok(await root.createCollection({ collectionName, dimension: 4, metricType: 'L2' }), 'createCollection');
  assert.equal(ok(await root.hasCollection({ collectionName }), 'hasCollection').has, true);
  assert.ok(ok(await root.listCollections({}), 'listCollections').includes(collectionName));
  const described = ok(await root.describeCollection({ collectionName }), 'describeCollection');
  assert.equal(described.collectionName, collectionName);
  assert.equal(described.load, 'LoadStateLoaded');
  assert.equal(ok(await root.getCollectionLoadState({ collectionName }), 'loadState').loadState, 'LoadStateLoaded');

  const data = [
    { id: 1, vector: [0, 0, 0, 1], tag: 'a' },
    { id: 2, vector: [0, 0, 1, 0], tag: 'b' },
    { id: 3, vector: [0, 1, 0, 0], tag: 'a' },
    { id: 4, vector: [1, 0, 0, 0], tag: 'b' },
  ];
  const inserted = ok(await root.insert({ collectionName, data }), 'insert');
  assert.equal(inserted.insertCount, 4);
  // The Node client asks for 64-bit integers as strings (Accept-Type-Allow-Int64: false).
  assert.deepEqual(inserted.insertIds, ['1', '2', '3', '4']);

  const hits = ok(await root.search({ collectionName, data: [[1, 0, 0, 0]], limit: 2, outputFields: ['tag'] }),
    'search');
  assert.equal(hits.length, 2);
  assert.equal(hits[0].id, '4');
  assert.equal(hits[0].tag, 'b');
  assert.equal(hits[0].distance, 0);

  const two = await root.search({ collectionName, data: [[1, 0, 0, 0], [0, 0, 0, 1]], limit: 1 });
  ok(two, 'search nq=2');
  assert.deepEqual(two.topks, [1, 1]);
  assert.equal(two.data[1][0].id, '1');

  const rows = ok(await root.query({ collectionName, filter: "tag == 'a'", outputFields: ['id', 'tag'] }), 'query');
  assert.deepEqual(rows.map((r) => r.id).sort(), ['1', '3']);
  const got = ok(await root.get({ collectionName, id: [2], outputFields: ['vector', 'tag'] }), 'get');
  assert.deepEqual(got[0].vector, [0, 0, 1, 0]);

  const upserted = ok(await root.upsert({ collectionName, data: [{ id: 2, vector: [0, 0, 1, 0], tag: 'c' }] }),
    'upsert');
  assert.equal(upserted.upsertCount, 1);
  // The client passes partialUpdate through: the row keeps the vector it leaves out.
  ok(await root.upsert({ collectionName, partialUpdate: true, data: [{ id: 4, tag: 'd' }] }), 'partial upsert');
  const merged = ok(await root.get({ collectionName, id: [4], outputFields: ['vector', 'tag'] }), 'get');
  assert.deepEqual(merged[0].vector, [1, 0, 0, 0]);
  assert.equal(merged[0].tag, 'd');
  ok(await root.delete({ collectionName, filter: 'id in [1, 3]' }), 'delete');
  const left = ok(await root.query({ collectionName, filter: 'id > 0', outputFields: ['id', 'tag'] }), 'query');
  assert.deepEqual(left.map((r) => `${r.id}:${r.tag}`).sort(), ['2:c', '4:d']);

  ok(await root.releaseCollection({ collectionName }), 'release');
  assert.equal(ok(await root.getCollectionLoadState({ collectionName }), 'loadState').loadState,
    'LoadStateNotLoad');
  ok(await root.dropCollection({ collectionName }), 'drop');
  assert.equal(ok(await root.hasCollection({ collectionName }), 'hasCollection').has, false);
});

test('REST: custom schema, indexes, partitions, aliases, rename, statistics', { timeout: TEST_TIMEOUT_MS },
  async () => {
    const collectionName = unique('rest_schema');
    ok(await root.createCollection({
      collectionName,
      schema: {
        autoID: true,
        enableDynamicField: false,
        fields: [
          { fieldName: 'pk', dataType: 'Int64', isPrimary: true },
          { fieldName: 'title', dataType: 'VarChar', elementTypeParams: { max_length: 64 } },
          { fieldName: 'embedding', dataType: 'FloatVector', elementTypeParams: { dim: 2 } },
        ],
      },
    }), 'createCollection(schema)');
    ok(await root.createIndex({
      collectionName,
      indexParams: [{ fieldName: 'embedding', indexName: 'emb_idx', metricType: 'COSINE', indexType: 'HNSW',
        params: { M: 8, efConstruction: 64 } }],
    }), 'createIndex');
    assert.deepEqual(ok(await root.listIndexes({ collectionName }), 'listIndexes'), ['emb_idx']);
    const index = ok(await root.describeIndex({ collectionName, indexName: 'emb_idx' }), 'describeIndex');
    assert.equal(index[0].indexType, 'HNSW');
    assert.equal(index[0].metricType, 'COSINE');

    ok(await root.createPartition({ collectionName, partitionName: 'p1' }), 'createPartition');
    assert.equal(ok(await root.hasPartition({ collectionName, partitionName: 'p1' }), 'hasPartition').has, true);
    assert.deepEqual(ok(await root.listPartitions({ collectionName }), 'listPartitions').sort(), ['_default', 'p1']);
    const inserted = ok(await root.insert({ collectionName, partitionName: 'p1',
      data: [{ title: 'x', embedding: [1, 0] }, { title: 'y', embedding: [0, 1] }] }), 'insert(autoID)');
    assert.equal(inserted.insertIds.length, 2);
    ok(await root.loadCollection({ collectionName }), 'load');
    assert.equal(ok(await root.getCollectionStatistics({ collectionName }), 'stats').rowCount, 2);
    assert.equal(ok(await root.getPartitionStatistics({ collectionName, partitionName: 'p1' }), 'pstats').rowCount, 2);

    const alias = unique('rest_alias');
    ok(await root.createAlias({ collectionName, aliasName: alias }), 'createAlias');
    assert.ok(ok(await root.listAliases({ collectionName }), 'listAliases').includes(alias));
    assert.equal(ok(await root.describeAlias({ aliasName: alias }), 'describeAlias').collectionName, collectionName);
    ok(await root.dropAlias({ aliasName: alias }), 'dropAlias');

    ok(await root.releaseCollection({ collectionName }), 'release');
    ok(await root.dropIndex({ collectionName, indexName: 'emb_idx' }), 'dropIndex');
    const renamed = unique('rest_renamed');
    ok(await root.renameCollection({ collectionName, newCollectionName: renamed }), 'rename');
    ok(await root.dropCollection({ collectionName: renamed }), 'drop');
  });

test('REST: databases', { timeout: TEST_TIMEOUT_MS }, async () => {
  const dbName = unique('rest_db');
  ok(await root.createDatabase({ dbName }), 'createDatabase');
  assert.ok(ok(await root.listDatabases({}), 'listDatabases').includes(dbName));
  assert.equal(ok(await root.describeDatabase({ dbName }), 'describeDatabase').dbName, dbName);
  const inDb = new HttpClient({ endpoint, username: 'root', password: 'Milvus', database: dbName });
  const collectionName = unique('rest_in_db');
  ok(await inDb.createCollection({ collectionName, dimension: 2 }), 'createCollection in db');
  assert.deepEqual(ok(await inDb.listCollections({}), 'listCollections in db'), [collectionName]);
  assert.ok(!ok(await root.listCollections({}), 'listCollections default').includes(collectionName));
  ok(await inDb.dropCollection({ collectionName }), 'drop');
  ok(await root.dropDatabase({ dbName }), 'dropDatabase');
});

test('REST: users, roles, grants, denial and a wrong password', { timeout: TEST_TIMEOUT_MS }, async () => {
  const userName = uniqueUser('nodesdk_rest');
  const password = `${PASSWORD_MARKER}-${Date.now()}`;
  const roleName = unique('rest_role');
  const collectionName = unique('rest_rbac');
  ok(await root.createCollection({ collectionName, dimension: 2 }), 'createCollection');
  ok(await root.createUser({ userName, password }), 'createUser');
  assert.ok(ok(await root.listUsers({}), 'listUsers').includes(userName));

  // A short password: Milvus's parameter error.
  const tooShort = await root.createUser({ userName: uniqueUser('short'), password: '12345' });
  assert.equal(tooShort.code, 1100);
  // Creating the same user twice.
  const twice = await root.createUser({ userName, password });
  assert.equal(twice.code, 65535);
  assert.match(twice.message, /user already exists/);

  const user = new HttpClient({ endpoint, username: userName, password });
  const denied = await rejection(user.insert({ collectionName, data: [{ id: 1, vector: [1, 2] }] }));
  assert.equal(denied.status, 403);
  assert.match(denied.message, /PrivilegeInsert: permission deny to /);

  ok(await root.createRole({ roleName }), 'createRole');
  assert.ok(ok(await root.listRoles({}), 'listRoles').includes(roleName));
  ok(await root.grantPrivilegeToRole({ roleName, objectType: 'Collection', objectName: collectionName,
    privilege: 'Insert' }), 'grantPrivilege');
  ok(await root.grantRoleToUser({ userName, roleName }), 'grantRole');
  assert.deepEqual(ok(await root.describeUser({ userName }), 'describeUser'), [roleName]);
  const grants = ok(await root.describeRole({ roleName }), 'describeRole');
  assert.equal(grants.length, 1);
  assert.equal(grants[0].privilege, 'Insert');
  ok(await user.insert({ collectionName, data: [{ id: 1, vector: [1, 2] }] }), 'insert after grant');

  ok(await root.revokePrivilegeFromRole({ roleName, objectType: 'Collection', objectName: collectionName,
    privilege: 'Insert' }), 'revokePrivilege');
  assert.equal((await rejection(user.insert({ collectionName, data: [{ id: 2, vector: [1, 2] }] }))).status, 403);
  ok(await root.revokeRoleFromUser({ userName, roleName }), 'revokeRole');
  ok(await root.dropRole({ roleName }), 'dropRole');

  const newPassword = `${PASSWORD_MARKER}-new-${Date.now()}`;
  ok(await user.updateUserPassword({ userName, password, newPassword }), 'updatePassword');
  const wrong = await rejection(user.listCollections({}));
  assert.equal(wrong.status, 401);
  assert.match(wrong.message, /"code":1800/);
  const renewed = new HttpClient({ endpoint, username: userName, password: newPassword });
  ok(await renewed.listCollections({}), 'listCollections with the new password');

  ok(await root.dropUser({ userName }), 'dropUser');
  assert.equal((await rejection(renewed.listCollections({}))).status, 401);
  ok(await root.dropCollection({ collectionName }), 'drop');
});

/** A search's hits as [id, score] pairs, from REST (id, distance) or the gRPC client (id, score). */
function hitPairs(hits) {
  return hits.map(h => [String(h.id), h.distance ?? h.score]);
}

function assertSameHits(rest, grpc, what) {
  assert.equal(grpc.status.error_code, 'Success', `${what} over gRPC: ${JSON.stringify(grpc.status)}`);
  const restHits = hitPairs(rest);
  const grpcHits = hitPairs(grpc.results);
  assert.ok(restHits.length > 0, `${what}: no hits`);
  assert.deepEqual(restHits.map(h => h[0]), grpcHits.map(h => h[0]), `${what}: ids`);
  restHits.forEach((h, i) => assert.ok(Math.abs(h[1] - grpcHits[i][1]) <= 1e-6,
    `${what}: hit ${i} scores ${h[1]} over REST, ${grpcHits[i][1]} over gRPC`));
}

/** A collection name and a gRPC client for comparing with, both let go (the collection dropped) after the test. */
function withGrpcClient(t, prefix) {
  const grpc = new MilvusClient({ address, username: 'root', password: 'Milvus' });
  const collectionName = unique(prefix);
  t.after(async () => {
    await root.dropCollection({ collectionName });
    await grpc.closeConnection();
  });
  return { grpc, collectionName };
}

function base64(bytes) {
  return Buffer.from(bytes).toString('base64');
}

test('REST: sparse + BM25 and binary vectors round-trip, and searches equal the gRPC client\'s',
  { timeout: TEST_TIMEOUT_MS }, async t => {
    const { grpc, collectionName } = withGrpcClient(t, 'rest_sparse');
    ok(await root.createCollection({
      collectionName,
      schema: {
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'text', dataType: 'VarChar', elementTypeParams: { max_length: 200, enable_analyzer: true } },
          { fieldName: 'bm25', dataType: 'SparseFloatVector' },
          { fieldName: 'sv', dataType: 'SparseFloatVector' },
          { fieldName: 'bin', dataType: 'BinaryVector', elementTypeParams: { dim: 16 } },
        ],
        functions: [{ name: 'text_bm25', type: 'BM25', inputFieldNames: ['text'], outputFieldNames: ['bm25'] }],
      },
    }), 'createCollection');
    const texts = ['how to cook rice', 'rice, rice and more rice', 'green tea with honey', 'fried rice with egg',
      'the weather today', 'honey cake'];
    const data = texts.map((text, i) => ({
      id: i + 1,
      text,
      // Milvus's two sparse shapes, alternately.
      sv: i % 2 === 0 ? { [i + 1]: 0.5, [10 + i]: 1.5 } : { indices: [0, i + 1], values: [0.25, 2] },
      bin: i % 2 === 0 ? [i * 37 % 256, (i * 91 + 5) % 256] : base64([i * 37 % 256, (i * 91 + 5) % 256]),
    }));
    assert.equal(ok(await root.insert({ collectionName, data }), 'insert').insertCount, texts.length);
    ok(await root.createIndex({
      collectionName,
      indexParams: [
        { fieldName: 'bm25', indexName: 'bm25', indexType: 'SPARSE_WAND', metricType: 'BM25' },
        { fieldName: 'sv', indexName: 'sv', indexType: 'SPARSE_INVERTED_INDEX', metricType: 'IP' },
        { fieldName: 'bin', indexName: 'bin', indexType: 'BIN_IVF_FLAT', metricType: 'HAMMING', params: { nlist: 2 } },
      ],
    }), 'createIndex');
    ok(await root.loadCollection({ collectionName }), 'load');
    const described = ok(await root.describeCollection({ collectionName }), 'describeCollection');
    assert.deepEqual(described.functions.map(f => [f.name, f.type]), [['text_bm25', 'BM25']]);

    const rows = ok(await root.query({ collectionName, filter: 'id > 0', outputFields: ['id', 'sv', 'bin'] }), 'query');
    assert.equal(rows.length, texts.length);
    for (const row of rows) {
      const i = Number(row.id) - 1;
      const sv = i % 2 === 0 ? { [i + 1]: 0.5, [10 + i]: 1.5 } : { 0: 0.25, [i + 1]: 2 };
      assert.deepEqual(row.sv, sv, `sv of ${row.id}`);
      assert.equal(row.bin, base64([i * 37 % 256, (i * 91 + 5) % 256]), `bin of ${row.id}`);
    }

    const sparseQuery = { 1: 1, 3: 0.5, 12: 2 };
    assertSameHits(ok(await root.search({ collectionName, annsField: 'sv', data: [sparseQuery], limit: 4 }), 'sparse'),
      await grpc.search({ collection_name: collectionName, anns_field: 'sv', data: [sparseQuery], limit: 4 }),
      'sparse search');
    assertSameHits(ok(await root.search({ collectionName, annsField: 'bm25', data: ['rice'], limit: 4 }), 'bm25'),
      await grpc.search({ collection_name: collectionName, anns_field: 'bm25', data: ['rice'], limit: 4 }),
      'full-text search');
    assertSameHits(ok(await root.search({ collectionName, annsField: 'bin', data: [[200, 17]], limit: 3,
      searchParams: { params: { nprobe: 2 } } }), 'binary'),
    await grpc.search({ collection_name: collectionName, anns_field: 'bin', data: [[200, 17]], limit: 3,
      params: { nprobe: 2 } }), 'binary search');
    assertSameHits(ok(await root.hybridSearch({
      collectionName,
      search: [{ data: [sparseQuery], annsField: 'sv', limit: 4 }, { data: ['honey rice'], annsField: 'bm25', limit: 4 }],
      rerank: { strategy: 'rrf', params: { k: 60 } },
      limit: 4,
    }), 'hybrid'), await grpc.hybridSearch({
      collection_name: collectionName,
      data: [{ data: sparseQuery, anns_field: 'sv', limit: 4 }, { data: 'honey rice', anns_field: 'bm25', limit: 4 }],
      rerank: RRFRanker(60),
      limit: 4,
    }), 'hybrid search');

    const bad = await root.insert({ collectionName, data: [{ id: 9, text: 'x', sv: { a: 1 }, bin: [1, 2] }] });
    assert.equal(bad.code, 1804);
    assert.match(bad.message, /field sv has key "a", which is not an index/);
    assert.equal(ok(await root.query({ collectionName, filter: 'id == 9', outputFields: ['id'] }), 'query 9').length, 0);
  });

test('REST: Float16, BFloat16 and Int8 vectors round-trip, and searches equal the gRPC client\'s',
  { timeout: TEST_TIMEOUT_MS }, async t => {
    const { grpc, collectionName } = withGrpcClient(t, 'rest_half');
    ok(await root.createCollection({
      collectionName,
      schema: {
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'f16', dataType: 'Float16Vector', elementTypeParams: { dim: 4 } },
          { fieldName: 'bf16', dataType: 'BFloat16Vector', elementTypeParams: { dim: 4 } },
          { fieldName: 'i8', dataType: 'Int8Vector', elementTypeParams: { dim: 4 } },
        ],
      },
      indexParams: [
        { fieldName: 'f16', indexName: 'f16', indexType: 'FLAT', metricType: 'L2' },
        { fieldName: 'bf16', indexName: 'bf16', indexType: 'FLAT', metricType: 'IP' },
        { fieldName: 'i8', indexName: 'i8', indexType: 'FLAT', metricType: 'L2' },
      ],
    }), 'createCollection');
    // Multiples of 1/4: exact in float16 and bfloat16.
    const floats = i => [i / 4, 0.5 - i / 2, 1 - i / 4, 0.75];
    const ints = i => [i * 20 - 60, 127 - i * 50, -128 + i, i];
    const data = Array.from({ length: 5 }, (_, i) => ({
      id: i + 1,
      // Numbers (converted by the server) or the base64 of the half-width bytes, alternately.
      f16: i % 2 === 0 ? floats(i) : base64(f32ArrayToF16Bytes(floats(i))),
      bf16: i % 2 === 0 ? floats(i) : base64(f32ArrayToBf16Bytes(floats(i))),
      i8: ints(i),
    }));
    ok(await root.insert({ collectionName, data }), 'insert');
    const rows = ok(await root.query({ collectionName, filter: 'id > 0', outputFields: ['id', 'f16', 'bf16', 'i8'] }),
      'query');
    assert.equal(rows.length, 5);
    for (const row of rows) {
      const i = Number(row.id) - 1;
      assert.equal(row.f16, base64(f32ArrayToF16Bytes(floats(i))), `f16 of ${row.id}`);
      assert.equal(row.bf16, base64(f32ArrayToBf16Bytes(floats(i))), `bf16 of ${row.id}`);
      assert.deepEqual(row.i8, ints(i), `i8 of ${row.id}`);
    }
    const q = [0.5, -0.25, 1, 0];
    for (const annsField of ['f16', 'bf16']) {
      assertSameHits(ok(await root.search({ collectionName, annsField, data: [q], limit: 3 }), annsField),
        await grpc.search({ collection_name: collectionName, anns_field: annsField, data: [q], limit: 3 }),
        `${annsField} search`);
    }
    assertSameHits(ok(await root.search({ collectionName, annsField: 'i8', data: [[10, -20, 30, 0]], limit: 3 }), 'i8'),
      await grpc.search({ collection_name: collectionName, anns_field: 'i8', data: [[10, -20, 30, 0]], limit: 3 }),
      'i8 search');
    const bad = await root.insert({ collectionName, data: [{ id: 9, f16: [1, 2], bf16: q, i8: [1, 2, 3, 4] }] });
    assert.equal(bad.code, 1804);
    assert.match(bad.message, /field f16 must be an array of 4 numbers/);
  });

test('REST: properties, an added field, compaction and refresh_load through the calls Milvus 2.6 added',
  { timeout: TEST_TIMEOUT_MS }, async () => {
    const collectionName = unique('rest_alter');
    ok(await root.createCollection({ collectionName, dimension: 2 }), 'createCollection');
    ok(await root.alterCollectionProperties({ collectionName, properties: { 'collection.ttl.seconds': 3600 } }),
      'alterCollectionProperties');
    const ttl = (described) => described.properties.find((p) => p.key === 'collection.ttl.seconds');
    assert.equal(ttl(ok(await root.describeCollection({ collectionName }), 'describe')).value, '3600');
    ok(await root.dropCollectionProperties({ collectionName, propertyKeys: ['collection.ttl.seconds'] }),
      'dropCollectionProperties');
    assert.equal(ttl(ok(await root.describeCollection({ collectionName }), 'describe')), undefined);

    ok(await root.addCollectionField({ collectionName,
      schema: { fieldName: 'note', dataType: 'VarChar', nullable: true, elementTypeParams: { max_length: 64 } } }),
    'addCollectionField');
    ok(await root.alterCollectionFieldProperties({ collectionName, fieldName: 'note',
      fieldParams: { max_length: 128 } }), 'alterCollectionFieldProperties');
    const note = ok(await root.describeCollection({ collectionName }), 'describe').fields
      .find((f) => f.name === 'note');
    assert.equal(note.nullable, true);
    assert.equal(note.params.find((p) => p.key === 'max_length').value, '128');

    ok(await root.insert({ collectionName,
      data: [{ id: 1, vector: [1, 0], note: 'a' }, { id: 2, vector: [0, 1], note: 'b' }] }), 'insert');
    ok(await root.flushCollection({ collectionName }), 'flush');
    const compaction = ok(await root.compactCollection({ collectionName }), 'compactCollection');
    assert.equal(typeof compaction.compactionID, 'number');
    const state = ok(await root.getCompactionState({ collectionName, compactionID: compaction.compactionID }),
      'getCompactionState');
    assert.equal(state.state, 'Completed');
    ok(await root.refreshLoad({ collectionName }), 'refreshLoad');
    assert.equal(ok(await root.getCollectionLoadState({ collectionName }), 'loadState').loadState,
      'LoadStateLoaded');

    // Index properties: AlterIndex refuses what it would not act on, and the REST answer carries that refusal.
    const mmap = await root.alterIndexProperties({ collectionName, indexName: 'vector',
      properties: { 'mmap.enabled': true } });
    assert.equal(mmap.code, 1100);
    assert.match(mmap.message, /mmap\.enabled/);
    const dropped = await root.dropIndexProperties({ collectionName, indexName: 'vector',
      propertyKeys: ['mmap.enabled'] });
    assert.equal(dropped.code, 1100);

    const dbName = unique('rest_db_props');
    ok(await root.createDatabase({ dbName }), 'createDatabase');
    ok(await root.alterDatabaseProperties({ dbName, properties: { 'database.max.collections': 7 } }),
      'alterDatabaseProperties');
    const maxCollections = (db) => db.properties.find((p) => p.key === 'database.max.collections');
    assert.equal(maxCollections(ok(await root.describeDatabase({ dbName }), 'describeDatabase')).value, '7');
    ok(await root.dropDatabaseProperties({ dbName, propertyKeys: ['database.max.collections'] }),
      'dropDatabaseProperties');
    assert.equal(maxCollections(ok(await root.describeDatabase({ dbName }), 'describeDatabase')), undefined);
    ok(await root.dropDatabase({ dbName }), 'dropDatabase');
    ok(await root.dropCollection({ collectionName }), 'drop');
  });
