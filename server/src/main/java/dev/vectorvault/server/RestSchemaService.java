package dev.vectorvault.server;

import com.google.protobuf.Message;
import dev.vectorvault.common.MilvusException;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.milvus.grpc.DeleteRequest;
import io.milvus.grpc.DescribeCollectionResponse;
import io.milvus.grpc.HybridSearchRequest;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.UpsertRequest;
import java.util.function.Function;

/**
 * Internal RPCs on the REST gateway's in-process server (only this process can call them): a collection's schema,
 * which insert, upsert, get and delete by id need to build their gRPC request from JSON rows or ids, and search and
 * hybrid search to read query vectors whose JSON shape depends on the field's type. Each takes the very request type
 * of the call it prepares (only its database and collection set), so the chain checks that call's own privilege
 * (Insert, Upsert, Query, Delete, Search on the collection) before any schema is read: a caller without it gets
 * Milvus's permission denial and learns nothing of the schema. The call itself is then checked again, by the same
 * code, when it is made.
 */
final class RestSchemaService {
    static final String SERVICE = "vectorvault.rest.Internal";
    static final MethodDescriptor<InsertRequest, DescribeCollectionResponse> FOR_INSERT =
            method("SchemaForInsert", InsertRequest.getDefaultInstance());
    static final MethodDescriptor<UpsertRequest, DescribeCollectionResponse> FOR_UPSERT =
            method("SchemaForUpsert", UpsertRequest.getDefaultInstance());
    static final MethodDescriptor<QueryRequest, DescribeCollectionResponse> FOR_QUERY =
            method("SchemaForQuery", QueryRequest.getDefaultInstance());
    static final MethodDescriptor<DeleteRequest, DescribeCollectionResponse> FOR_DELETE =
            method("SchemaForDelete", DeleteRequest.getDefaultInstance());
    static final MethodDescriptor<SearchRequest, DescribeCollectionResponse> FOR_SEARCH =
            method("SchemaForSearch", SearchRequest.getDefaultInstance());
    static final MethodDescriptor<HybridSearchRequest, DescribeCollectionResponse> FOR_HYBRID_SEARCH =
            method("SchemaForHybridSearch", HybridSearchRequest.getDefaultInstance());

    private RestSchemaService() {}

    private static <Q extends Message> MethodDescriptor<Q, DescribeCollectionResponse> method(String name,
                                                                                            Q prototype) {
        return MethodDescriptor.<Q, DescribeCollectionResponse>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(ProtoUtils.marshaller(prototype))
                .setResponseMarshaller(ProtoUtils.marshaller(DescribeCollectionResponse.getDefaultInstance()))
                .build();
    }

    static ServerServiceDefinition definition(CatalogRpc catalog) {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(FOR_INSERT, handler(catalog, r -> new String[] {r.getDbName(), r.getCollectionName()}))
                .addMethod(FOR_UPSERT, handler(catalog, r -> new String[] {r.getDbName(), r.getCollectionName()}))
                .addMethod(FOR_QUERY, handler(catalog, r -> new String[] {r.getDbName(), r.getCollectionName()}))
                .addMethod(FOR_DELETE, handler(catalog, r -> new String[] {r.getDbName(), r.getCollectionName()}))
                .addMethod(FOR_SEARCH, handler(catalog, r -> new String[] {r.getDbName(), r.getCollectionName()}))
                .addMethod(FOR_HYBRID_SEARCH,
                        handler(catalog, r -> new String[] {r.getDbName(), r.getCollectionName()}))
                .build();
    }

    private static <Q> io.grpc.ServerCallHandler<Q, DescribeCollectionResponse> handler(
            CatalogRpc catalog, Function<Q, String[]> target) {
        return ServerCalls.asyncUnaryCall((request, out) -> {
            DescribeCollectionResponse response;
            try {
                String[] names = target.apply(request);
                response = catalog.schemaForRest(names[0], names[1]);
            } catch (MilvusException e) {
                response = DescribeCollectionResponse.newBuilder().setStatus(StatusMapper.of(e)).build();
            } catch (RuntimeException e) {
                response = DescribeCollectionResponse.newBuilder()
                        .setStatus(StatusMapper.unexpected("CollectionSchema", e)).build();
            }
            out.onNext(response);
            out.onCompleted();
        });
    }
}
