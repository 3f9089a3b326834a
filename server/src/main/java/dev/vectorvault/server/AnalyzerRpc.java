package dev.vectorvault.server;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.text.AnalyzerToken;
import dev.vectorvault.text.TextAnalyzer;
import io.milvus.grpc.AnalyzerResult;
import io.milvus.grpc.RunAnalyzerRequest;
import io.milvus.grpc.RunAnalyzerResponse;

/**
 * {@code RunAnalyzer} as Milvus answers it: the texts of {@code placeholder} (UTF-8) through {@code analyzer_params}
 * (empty: standard), or through the analyzer of a loaded collection's field; {@code with_detail} adds offsets (UTF-8
 * bytes) and positions, {@code with_hash} the term id the BM25 function gives each token.
 */
final class AnalyzerRpc {
    private AnalyzerRpc() {}

    static RunAnalyzerResponse run(Catalog catalog, RunAnalyzerRequest r) {
        TextAnalyzer analyzer;
        if (!r.getCollectionName().isEmpty()) {
            if (!r.getAnalyzerParams().isEmpty()) {
                throw MilvusException.invalidParameterAsIs("run analyzer can't use analyzer params and"
                        + " (collection,field) in same time");
            }
            if (r.getFieldName().isEmpty()) {
                throw MilvusException.invalidParameterAsIs("must set field name when collection name was set");
            }
            if (r.getAnalyzerNamesCount() > 0) {
                // Named analyzers belong to multi_analyzer_params, which this server does not support.
                throw MilvusException.invalidParameter("analyzer_names are not supported by this server (fields"
                        + " have one analyzer)");
            }
            Collection collection = catalog.collection(CatalogRpc.db(r.getDbName()), r.getCollectionName());
            if (!collection.loaded()) {
                throw new MilvusException(ErrorCode.COLLECTION_NOT_LOADED, "collection not loaded[collection="
                        + r.getCollectionName() + "]");
            }
            FieldSchema field = collection.schema().field(r.getFieldName()).filter(f -> !f.dynamic())
                    .orElseThrow(() -> new MilvusException(ErrorCode.FIELD_NOT_FOUND, "field " + r.getFieldName()
                            + " not exist"));
            if (!field.enableAnalyzer()) {
                throw MilvusException.invalidParameter("field " + field.name() + " does not enable analyzer");
            }
            analyzer = TextAnalyzer.fromParams(field.analyzerParams());
        } else {
            analyzer = TextAnalyzer.fromParams(r.getAnalyzerParams());
        }
        RunAnalyzerResponse.Builder out = RunAnalyzerResponse.newBuilder().setStatus(StatusMapper.success());
        for (com.google.protobuf.ByteString text : r.getPlaceholderList()) {
            if (!text.isValidUtf8()) {
                throw MilvusException.invalidParameter("text to analyze is not valid UTF-8");
            }
            AnalyzerResult.Builder result = AnalyzerResult.newBuilder();
            for (AnalyzerToken token : analyzer.analyze(text.toStringUtf8())) {
                io.milvus.grpc.AnalyzerToken.Builder t = io.milvus.grpc.AnalyzerToken.newBuilder()
                        .setToken(token.token());
                if (r.getWithDetail()) {
                    t.setStartOffset(token.startOffset()).setEndOffset(token.endOffset())
                            .setPosition(token.position()).setPositionLength(token.positionLength());
                }
                if (r.getWithHash()) {
                    t.setHash((int) token.hash());
                }
                result.addTokens(t);
            }
            out.addResults(result);
        }
        return out.build();
    }
}
