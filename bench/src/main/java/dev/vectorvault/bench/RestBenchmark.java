package dev.vectorvault.bench;

import io.milvus.grpc.DataType;
import io.milvus.grpc.DslType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.MutationResult;
import io.milvus.grpc.PlaceholderGroup;
import io.milvus.grpc.PlaceholderType;
import io.milvus.grpc.PlaceholderValue;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.VectorField;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * REST v2 next to gRPC on one server in one run: search and insert throughput through both front doors of the same
 * server (authentication on, the same user, the same collection, the same pre-built requests), in alternating
 * windows (the side that goes first alternates per round), and the ratio REST / gRPC. Both sides pay their own
 * encoding: the gRPC side sends pre-built protobuf messages, the REST side pre-built JSON bodies that the server
 * parses and turns into the same messages.
 * <pre>bin/bench-rest [--seconds S] [--rounds N] [--threads N] [--dim D] [--rows N] [--batch N] [--seed N]</pre>
 */
public final class RestBenchmark {
    private RestBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new java.util.HashMap<>(Map.of("seconds", "3", "rounds", "4", "threads", "4",
                "dim", "128", "rows", "20000", "batch", "100", "seed", "42"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !options.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + options.keySet());
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        double seconds = Double.parseDouble(options.get("seconds"));
        int rounds = Integer.parseInt(options.get("rounds"));
        int threads = Integer.parseInt(options.get("threads"));
        int dim = Integer.parseInt(options.get("dim"));
        int rows = Integer.parseInt(options.get("rows"));
        int batch = Integer.parseInt(options.get("batch"));
        long seed = Long.parseLong(options.get("seed"));
        System.err.println("bench-rest: seed " + seed + " (--seed to repeat)");
        System.err.println("bench-rest: server log " + ServerLogging.redirectToFile());
        try (BenchServer server = BenchServer.start("rest", "authentication on", Map.of(
                "common.security.authorizationEnabled", "true", "common.metricsPort", "-1"))) {
            MilvusServiceBlockingStub grpc = server.blocking(BenchServer.ROOT, BenchServer.ROOT_PASSWORD);
            String base = "http://127.0.0.1:" + server.restPort() + "/v2/vectordb/";
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String authorization = "Bearer " + BenchServer.ROOT + ":" + BenchServer.ROOT_PASSWORD;
            Rest rest = new Rest(http, base, authorization);
            rest.post("collections/create", "{\"collectionName\":\"bench\",\"schema\":{\"autoID\":true,\"fields\":["
                    + "{\"fieldName\":\"id\",\"dataType\":\"Int64\",\"isPrimary\":true},"
                    + "{\"fieldName\":\"vector\",\"dataType\":\"FloatVector\",\"elementTypeParams\":{\"dim\":" + dim
                    + "}}]},\"indexParams\":[{\"fieldName\":\"vector\",\"indexType\":\"FLAT\",\"metricType\":\"L2\"}]}");

            Random random = new Random(seed);
            List<float[][]> batches = new ArrayList<>();
            for (int b = 0; b < 16; b++) {
                float[][] vectors = new float[batch][dim];
                for (float[] v : vectors) {
                    for (int d = 0; d < dim; d++) {
                        v[d] = random.nextFloat() * 2 - 1;
                    }
                }
                batches.add(vectors);
            }
            List<InsertRequest> grpcInserts = batches.stream().map(v -> insert(v, dim)).toList();
            List<String> restInserts = batches.stream().map(RestBenchmark::insertBody).toList();
            for (int loaded = 0; loaded < rows; loaded += batch) {
                check(grpc.insert(grpcInserts.get((loaded / batch) % grpcInserts.size())));
            }
            List<SearchRequest> grpcSearches = new ArrayList<>();
            List<String> restSearches = new ArrayList<>();
            for (int q = 0; q < 64; q++) {
                float[] v = new float[dim];
                for (int d = 0; d < dim; d++) {
                    v[d] = random.nextFloat() * 2 - 1;
                }
                grpcSearches.add(search(v));
                restSearches.add("{\"collectionName\":\"bench\",\"data\":[" + array(v) + "],\"limit\":10}");
            }

            Side grpcSearch = new Side("gRPC search", i -> check(grpc.search(grpcSearches.get(i % 64))), 1);
            Side restSearch = new Side("REST search", i -> rest.post("entities/search", restSearches.get(i % 64)), 1);
            Side grpcInsert = new Side("gRPC insert", i -> check(grpc.insert(grpcInserts.get(i % 16))), batch);
            Side restInsert = new Side("REST insert", i -> rest.post("entities/insert", restInserts.get(i % 16)),
                    batch);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                for (Side side : List.of(grpcSearch, restSearch, grpcInsert, restInsert)) {
                    side.window(pool, threads, Math.min(1.0, seconds)); // warm-up, not counted
                    side.reset();
                }
                for (int r = 0; r < rounds; r++) {
                    System.err.printf("bench-rest: round %d of %d%n", r + 1, rounds);
                    List<Side> order = r % 2 == 0 ? List.of(grpcSearch, restSearch, grpcInsert, restInsert)
                            : List.of(restSearch, grpcSearch, restInsert, grpcInsert);
                    for (Side side : order) {
                        side.window(pool, threads, seconds);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            System.out.printf(Locale.ROOT, "REST v2 vs gRPC, one server, authentication on (root), %d client threads,"
                    + " %d rounds x %.1f s per side, dim %d, %d rows searched (FLAT, topk 10, nq 1), insert batches"
                    + " of %d rows%n%n", threads, rounds, seconds, dim, rows, batch);
            System.out.printf(Locale.ROOT, "%-13s %12s %12s %10s %8s%n", "side", "calls/s", "rows/s", "mean ms",
                    "errors");
            for (Side side : List.of(grpcSearch, restSearch, grpcInsert, restInsert)) {
                System.out.printf(Locale.ROOT, "%-13s %12.0f %12.0f %10.2f %8d%n", side.name, side.callsPerSecond(),
                        side.callsPerSecond() * side.rowsPerCall, side.meanMillis(), side.errors.get());
            }
            System.out.printf(Locale.ROOT, "%nratio REST / gRPC: search %.2f, insert %.2f%n",
                    restSearch.callsPerSecond() / grpcSearch.callsPerSecond(),
                    restInsert.callsPerSecond() / grpcInsert.callsPerSecond());
        }
    }

    /** One side of a comparison: an operation, and its totals over every measured window. */
    private static final class Side {
        final String name;
        final IntConsumer operation;
        final int rowsPerCall;
        final AtomicLong calls = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong callNanos = new AtomicLong();
        long windowNanos;

        Side(String name, IntConsumer operation, int rowsPerCall) {
            this.name = name;
            this.operation = operation;
            this.rowsPerCall = rowsPerCall;
        }

        void window(ExecutorService pool, int threads, double seconds) throws Exception {
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * 7;
                running.add(pool.submit(() -> {
                    for (int i = offset; System.nanoTime() < end; i++) {
                        long before = System.nanoTime();
                        try {
                            operation.accept(i);
                            calls.incrementAndGet();
                            callNanos.addAndGet(System.nanoTime() - before);
                        } catch (RuntimeException e) {
                            if (errors.incrementAndGet() == 1) {
                                System.err.println("bench-rest: " + name + " failed: " + e.getMessage());
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            windowNanos += System.nanoTime() - start;
        }

        void reset() {
            calls.set(0);
            errors.set(0);
            callNanos.set(0);
            windowNanos = 0;
        }

        double callsPerSecond() {
            return windowNanos == 0 ? 0 : calls.get() * 1e9 / windowNanos;
        }

        double meanMillis() {
            return calls.get() == 0 ? 0 : callNanos.get() / 1e6 / calls.get();
        }
    }

    /** The REST client: a failure (HTTP status or envelope code) is an exception, as a gRPC failure is. */
    private record Rest(HttpClient http, String base, String authorization) {
        void post(String route, String body) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + route))
                        .header("Authorization", authorization)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200 || !response.body().startsWith("{\"code\":0")) {
                    throw new IllegalStateException(route + ": HTTP " + response.statusCode() + " "
                            + response.body().substring(0, Math.min(200, response.body().length())));
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(route + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(route + " interrupted", e);
            }
        }
    }

    private static void check(MutationResult result) {
        if (result.getStatus().getCode() != 0) {
            throw new IllegalStateException("insert: " + result.getStatus().getReason());
        }
    }

    private static void check(SearchResults result) {
        if (result.getStatus().getCode() != 0) {
            throw new IllegalStateException("search: " + result.getStatus().getReason());
        }
    }

    private static InsertRequest insert(float[][] vectors, int dim) {
        FloatArray.Builder floats = FloatArray.newBuilder();
        for (float[] v : vectors) {
            for (float x : v) {
                floats.addData(x);
            }
        }
        return InsertRequest.newBuilder().setCollectionName("bench").setNumRows(vectors.length)
                .addFieldsData(FieldData.newBuilder().setFieldName("vector").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(dim).setFloatVector(floats)))
                .build();
    }

    private static String insertBody(float[][] vectors) {
        StringBuilder body = new StringBuilder("{\"collectionName\":\"bench\",\"data\":[");
        for (int i = 0; i < vectors.length; i++) {
            body.append(i == 0 ? "" : ",").append("{\"vector\":").append(array(vectors[i])).append('}');
        }
        return body.append("]}").toString();
    }

    private static SearchRequest search(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : vector) {
            bytes.putFloat(x);
        }
        PlaceholderGroup group = PlaceholderGroup.newBuilder().addPlaceholders(PlaceholderValue.newBuilder()
                .setTag("$0").setType(PlaceholderType.FloatVector)
                .addValues(com.google.protobuf.ByteString.copyFrom(bytes.array()))).build();
        return SearchRequest.newBuilder().setCollectionName("bench").setDslType(DslType.BoolExprV1)
                .setPlaceholderGroup(group.toByteString()).setNq(1)
                .addSearchParams(KeyValuePair.newBuilder().setKey("topk").setValue("10"))
                .addSearchParams(KeyValuePair.newBuilder().setKey("anns_field").setValue("vector"))
                .build();
    }

    private static String array(float[] v) {
        StringBuilder out = new StringBuilder("[");
        for (int d = 0; d < v.length; d++) {
            out.append(d == 0 ? "" : ",").append(v[d]);
        }
        return out.append(']').toString();
    }
}
