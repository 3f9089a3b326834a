package dev.vectorvault.bench;

import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DropCollectionRequest;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MutationResult;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.SearchResultData;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.Status;
import java.util.concurrent.TimeUnit;

/**
 * One collection on one server, driven over gRPC with the generated stubs, as an SDK would: create (schema, FLAT/L2
 * index, load), insert, search, flush, drop. Every failure, in the response {@code Status} or as a gRPC error, is
 * thrown as {@link IllegalStateException} naming the call; the load loops count those as errors.
 */
final class VectorCollection {
    /** A guard against a hung server, not a measurement: no healthy call comes anywhere near it. */
    private static final long STUCK_SECONDS = 120;

    private final MilvusServiceGrpc.MilvusServiceBlockingStub stub;
    private final String name;
    private final int dim;

    VectorCollection(MilvusServiceGrpc.MilvusServiceBlockingStub stub, String name, int dim) {
        this.stub = stub;
        this.name = name;
        this.dim = dim;
    }

    String name() {
        return name;
    }

    /** CreateCollection, CreateIndex (FLAT, L2), LoadCollection: what an application does before its first insert. */
    void create() {
        check("CreateCollection", call().createCollection(CreateCollectionRequest.newBuilder()
                .setCollectionName(name).setSchema(MilvusMessages.schema(name, dim)).setShardsNum(1).build()));
        check("CreateIndex", call().createIndex(CreateIndexRequest.newBuilder()
                .setCollectionName(name).setFieldName(MilvusMessages.VECTOR).setIndexName(MilvusMessages.VECTOR)
                .addExtraParams(MilvusMessages.pair("index_type", "FLAT"))
                .addExtraParams(MilvusMessages.pair("metric_type", "L2"))
                .addExtraParams(MilvusMessages.pair("params", "{}"))
                .build()));
        check("LoadCollection", call().loadCollection(LoadCollectionRequest.newBuilder()
                .setCollectionName(name).build()));
    }

    void drop() {
        check("DropCollection", call().dropCollection(DropCollectionRequest.newBuilder()
                .setCollectionName(name).build()));
    }

    /** Seals what was written into segment files (the server checkpoints); searches then run over sealed segments. */
    void flush() {
        check("Flush", call().flush(FlushRequest.newBuilder().addCollectionNames(name).build()).getStatus());
    }

    /** Inserts a prebuilt batch (see {@link MilvusMessages#insert}) into this collection; returns the rows acked. */
    long insert(InsertRequest batch) {
        MutationResult result = call().insert(batch.toBuilder().setCollectionName(name).build());
        check("Insert", result.getStatus());
        if (result.getInsertCnt() != batch.getNumRows()) {
            throw new IllegalStateException("Insert into " + name + " acknowledged " + result.getInsertCnt()
                    + " of " + batch.getNumRows() + " rows");
        }
        return result.getInsertCnt();
    }

    /** Runs a prebuilt search (see {@link MilvusMessages#search}); returns the ids best first, then the scores. */
    Hits search(SearchRequest request) {
        SearchResults results = call().search(request);
        check("Search", results.getStatus());
        SearchResultData data = results.getResults();
        int count = data.getTopksCount() == 0 ? 0 : (int) data.getTopks(0);
        long[] ids = new long[count];
        float[] scores = new float[count];
        for (int i = 0; i < count; i++) {
            ids[i] = data.getIds().getIntId().getData(i);
            scores[i] = data.getScores(i);
        }
        return new Hits(ids, scores);
    }

    /** One query's answer: primary keys (= row indexes of the data set here) and L2 distances, best first. */
    record Hits(long[] ids, float[] scores) {}

    private MilvusServiceGrpc.MilvusServiceBlockingStub call() {
        return stub.withDeadlineAfter(STUCK_SECONDS, TimeUnit.SECONDS);
    }

    private void check(String rpc, Status status) {
        if (status.getCode() != 0) {
            throw new IllegalStateException(rpc + " on collection " + name + " failed: code " + status.getCode()
                    + " " + status.getReason());
        }
    }
}
