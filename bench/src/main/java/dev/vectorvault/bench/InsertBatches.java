package dev.vectorvault.bench;

import io.milvus.grpc.InsertRequest;

/**
 * The whole data set cut into insert requests of {@code batchRows} rows (the last one may be shorter), built once
 * before any timing so that the measured client does nothing but send: what is timed is the server plus gRPC, not
 * protobuf building. Request {@code i} holds rows {@code [i * batchRows, ...)} with ids equal to the row index.
 */
final class InsertBatches {
    private final int batchRows;
    private final InsertRequest[] requests;
    private final long bytes;

    InsertBatches(float[][] vectors, int batchRows) {
        this.batchRows = batchRows;
        int count = (vectors.length + batchRows - 1) / batchRows;
        requests = new InsertRequest[count];
        long total = 0;
        for (int i = 0; i < count; i++) {
            int from = i * batchRows;
            requests[i] = MilvusMessages.insert(vectors, from, Math.min(vectors.length, from + batchRows));
            total += requests[i].getSerializedSize();
        }
        bytes = total;
    }

    int batchRows() {
        return batchRows;
    }

    int count() {
        return requests.length;
    }

    InsertRequest get(int index) {
        return requests[index];
    }

    /** Serialized size of one full batch, in bytes (what crosses the wire per request, before HTTP/2 framing). */
    long bytesPerRequest() {
        return bytes / requests.length;
    }
}
