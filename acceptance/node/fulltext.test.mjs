// Acceptance test: full-text and hybrid retrieval through the official Milvus Node SDK (pinned) against a running
// VectorVault server: a LangChain-style collection (dense vector, VarChar text with the english analyzer and
// enable_match, a BM25 function filling a sparse field), filled; full-text search with raw text; text_match and
// phrase_match in query; hybrid search (dense + BM25) with RRF and Weighted rankers; grouped full-text search.
// Run with `MILVUS_ADDRESS=127.0.0.1:19530 node --test` (NodeSdkAcceptanceTest does this against a fresh server).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilvusClient, DataType, FunctionType, RRFRanker, WeightedRanker } from '@zilliz/milvus2-sdk-node';

const address = process.env.MILVUS_ADDRESS;
if (!address) {
  throw new Error('set MILVUS_ADDRESS to the server address, e.g. 127.0.0.1:19530');
}

const ROOT = { username: 'root', password: 'Milvus' };
const TEST_TIMEOUT_MS = 120_000;
const ROWS = 200;
const STOP = new Set(['the', 'and', 'of', 'a']);
// Words the english analyzer keeps as they are, and a few stop words.
const WORDS = 'rice soup bread salt water fish lemon pot pan oven the and of a green tea milk honey'.split(' ');

function assertSuccess(status, what = '') {
  assert.equal(status?.error_code, 'Success', `${what}: expected success, got ${JSON.stringify(status)}`);
}

/** Row i's text: 3 to 9 words, deterministic; every fifth in upper case. */
function text(i) {
  const n = 3 + (i * 7) % 7;
  const words = [];
  for (let w = 0; w < n; w += 1) {
    words.push(WORDS[(i * 31 + w * w * 17 + w * 5) % WORDS.length]);
  }
  const out = words.join(' ');
  return i % 5 === 0 ? out.toUpperCase() : out;
}

function dense(i) {
  return Array.from(Float32Array.from([Math.cos(i * 0.37), Math.sin(i * 0.37), 0.3, (i % 7) * 0.1]));
}

/** The english analyzer on these texts: lower-case words, stop words dropped but keeping their positions. */
function tokens(s) {
  return s.toLowerCase().split(' ').map(w => (STOP.has(w) ? null : w));
}

function textMatch(s, query) {
  const doc = tokens(s);
  return tokens(query).some(q => q !== null && doc.includes(q));
}

/** Two-word phrase with Milvus's slop: the second word at most `slop` positions from right after the first. */
function phraseMatch(s, first, second, slop) {
  const doc = tokens(s);
  for (let i = 0; i < doc.length; i += 1) {
    for (let j = 0; j < doc.length; j += 1) {
      if (doc[i] === first && doc[j] === second && Math.abs(j - i - 1) <= slop) {
        return true;
      }
    }
  }
  return false;
}

function expected(predicate) {
  const ids = [];
  for (let i = 0; i < ROWS; i += 1) {
    if (predicate(i)) {
      ids.push(String(i));
    }
  }
  return ids;
}

function sortedIds(rows) {
  return rows.map(r => String(r.id)).sort((x, y) => Number(x) - Number(y));
}

test('full-text search, text_match, hybrid search and group-by on a dense + BM25 collection',
  { timeout: TEST_TIMEOUT_MS }, async t => {
    const client = new MilvusClient({ address, ...ROOT });
    const collection_name = `nodefts_${Date.now()}_${process.pid}`;
    t.after(async () => {
      await client.dropCollection({ collection_name });
      await client.closeConnection();
    });

    assertSuccess(await client.createCollection({
      collection_name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        {
          name: 'text', data_type: DataType.VarChar, max_length: 1000, enable_analyzer: true, enable_match: true,
          analyzer_params: { type: 'english' },
        },
        { name: 'doc', data_type: DataType.VarChar, max_length: 16 },
        { name: 'dense', data_type: DataType.FloatVector, dim: 4 },
        { name: 'sparse', data_type: DataType.SparseFloatVector },
      ],
      functions: [{
        name: 'text_bm25', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse'],
        params: {},
      }],
      index_params: [
        { field_name: 'dense', index_type: 'FLAT', metric_type: 'COSINE' },
        { field_name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' },
      ],
    }), 'createCollection');

    const data = Array.from({ length: ROWS }, (_, i) => ({ id: i, text: text(i), doc: `doc${i % 6}`, dense: dense(i) }));
    const inserted = await client.insert({ collection_name, data });
    assertSuccess(inserted.status, 'insert');
    assert.equal(Number(inserted.insert_cnt), ROWS);

    // text_match and phrase_match in query.
    const any = await client.query({ collection_name, filter: "text_match(text, 'LEMON honey')", output_fields: ['id'] });
    assertSuccess(any.status, 'text_match query');
    const want = expected(i => textMatch(text(i), 'lemon honey'));
    assert.ok(want.length > 0 && want.length < ROWS);
    assert.deepEqual(sortedIds(any.data), want);
    const combined = await client.query({
      collection_name, filter: "TEXT_MATCH(text, 'rice') and doc == 'doc2'", output_fields: ['id'],
    });
    assertSuccess(combined.status, 'combined query');
    assert.deepEqual(sortedIds(combined.data), expected(i => textMatch(text(i), 'rice') && i % 6 === 2));
    const phrase = await client.query({
      collection_name, filter: "phrase_match(text, 'green tea', 2)", output_fields: ['id'],
    });
    assertSuccess(phrase.status, 'phrase_match query');
    assert.deepEqual(sortedIds(phrase.data), expected(i => phraseMatch(text(i), 'green', 'tea', 2)));
    const refused = await client.query({ collection_name, filter: "text_match(doc, 'doc1')" });
    assert.notEqual(refused.status.error_code, 'Success');
    assert.match(refused.status.reason, /field "doc" does not enable match/);

    // Full-text search with raw text: only documents holding a query word, best first.
    const fts = await client.search({
      collection_name, data: ['fish soup'], anns_field: 'sparse', limit: 8, output_fields: ['text'],
    });
    assertSuccess(fts.status, 'full-text search');
    assert.equal(fts.results.length, Math.min(8, expected(i => textMatch(text(i), 'fish soup')).length));
    fts.results.forEach((hit, i) => {
      assert.ok(textMatch(hit.text, 'fish soup'), JSON.stringify(hit));
      assert.ok(hit.score > 0);
      if (i > 0) {
        assert.ok(hit.score <= fts.results[i - 1].score, 'scores are not in descending order');
      }
    });

    // Hybrid search, dense + BM25, with each ranker.
    const query = Array.from(Float32Array.from([0.8, 0.5, 0.3, 0.2]));
    const requests = [
      { data: query, anns_field: 'dense' },
      { data: 'lemon tea with honey', anns_field: 'sparse' },
    ];
    const rrf = await client.hybridSearch({
      collection_name, data: requests, rerank: RRFRanker(60), limit: 6, output_fields: ['text'],
    });
    assertSuccess(rrf.status, 'hybrid RRF');
    assert.equal(rrf.results.length, 6);
    assert.equal(new Set(rrf.results.map(h => String(h.id))).size, 6);
    rrf.results.forEach((hit, i) => {
      assert.ok(hit.score > 0 && hit.score <= 2 / 61 + 1e-6, JSON.stringify(hit));
      if (i > 0) {
        assert.ok(hit.score <= rrf.results[i - 1].score);
      }
    });
    const weighted = await client.hybridSearch({
      collection_name, data: requests, rerank: WeightedRanker([0.3, 0.7]), limit: 5,
    });
    assertSuccess(weighted.status, 'hybrid weighted');
    assert.equal(weighted.results.length, 5);
    weighted.results.forEach((hit, i) => {
      if (i > 0) {
        assert.ok(hit.score <= weighted.results[i - 1].score);
      }
    });

    // Grouped full-text search: limit counts groups, at most group_size hits each.
    const grouped = await client.search({
      collection_name, data: ['rice bread soup'], anns_field: 'sparse', limit: 3, group_by_field: 'doc',
      group_size: 2, output_fields: ['doc', 'text'],
    });
    assertSuccess(grouped.status, 'grouped search');
    const perGroup = new Map();
    for (const hit of grouped.results) {
      assert.ok(textMatch(hit.text, 'rice bread soup'), JSON.stringify(hit));
      perGroup.set(hit.doc, (perGroup.get(hit.doc) ?? 0) + 1);
    }
    assert.equal(perGroup.size, 3, JSON.stringify(grouped.results));
    for (const n of perGroup.values()) {
      assert.ok(n >= 1 && n <= 2);
    }
  });
