package dev.vectorvault.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectorvault.common.ErrorCode;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.codec.http.QueryStringDecoder;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Milvus's RESTful API v2: {@code POST /v2/vectordb/<category>/<action>} with a JSON body, answered with the envelope
 * {@code {"code":0,"data":...}} or {@code {"code":N,"message":...}}. Each route builds the gRPC request it stands
 * for and sends it through {@link RestGateway}, so authentication, throttling, RBAC, limits, audit and metrics are
 * the gRPC port's own. Credentials: {@code Authorization: Bearer user:password} (raw), {@code Bearer <token>}, or
 * HTTP Basic; they are turned into the gRPC {@code authorization} value and never logged. The routes themselves live
 * in {@link RestRoutes}, {@link RestAlterRoutes}, {@link RestUpkeepRoutes}, {@link RestImportRoutes} and
 * {@link RestResourceGroupRoutes}.
 */
final class RestApi {
    static final String PREFIX = "/v2/vectordb/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String NOT_AUTHENTICATED = "user hasn't authenticated";

    /** One route: reads the call's body, makes the gRPC calls, returns the envelope's {@code data}. */
    interface Route {
        JsonNode handle(Call call);
    }

    /** The HTTP answer: status and JSON body. */
    record Reply(int httpStatus, byte[] body) {}

    private final RestGateway gateway;
    private final Map<String, Route> routes = new HashMap<>();

    private final boolean int64AsNumberByDefault;

    /** @param int64AsNumberByDefault {@code proxy.http.acceptTypeAllowInt64}, for requests without the header */
    RestApi(RestGateway gateway, boolean int64AsNumberByDefault) {
        this.gateway = gateway;
        this.int64AsNumberByDefault = int64AsNumberByDefault;
        RestRoutes.register(routes);
        RestImportRoutes.register(routes);
        RestResourceGroupRoutes.register(routes);
        RestAlterRoutes.register(routes);
        RestUpkeepRoutes.register(routes);
    }

    /** The routes served, {@code category/action} (tests, documentation). */
    java.util.Set<String> routes() {
        return java.util.Collections.unmodifiableSet(routes.keySet());
    }

    Reply handle(FullHttpRequest request, InetSocketAddress client, long connectionId) {
        return handle(new QueryStringDecoder(request.uri()).path(), HttpMethod.POST.equals(request.method()),
                ByteBufUtil.getBytes(request.content()), grpcAuthorization(request.headers().get("Authorization")),
                allowInt64(request.headers().get("Accept-Type-Allow-Int64"), int64AsNumberByDefault),
                client, connectionId);
    }

    /**
     * One call given as its parts: the web console's way in ({@link WebConsole}), which holds the caller's gRPC
     * {@code authorization} value in its server-side session instead of an HTTP header.
     */
    Reply handle(String path, boolean post, byte[] bytes, String authorization, boolean int64AsNumber,
                 InetSocketAddress client, long connectionId) {
        Route route = path.startsWith(PREFIX) ? routes.get(path.substring(PREFIX.length())) : null;
        if (route == null) {
            return failure(404, ErrorCode.PARAMETER_INVALID.code(), "no such endpoint: " + clip(path)
                    + " (the RESTful API v2 serves POST " + PREFIX + "<category>/<action>)");
        }
        if (!post) {
            return failure(405, ErrorCode.PARAMETER_INVALID.code(), path + " takes POST only");
        }
        ObjectNode body;
        try {
            JsonNode parsed = bytes.length == 0 ? NODES.objectNode() : JSON.readTree(bytes);
            if (parsed == null || parsed.isMissingNode()) {
                parsed = NODES.objectNode();
            }
            if (!(parsed instanceof ObjectNode object)) {
                throw new RestFailure(200, ErrorCode.INCORRECT_PARAMETER_FORMAT.code(),
                        "can only accept json format request, the body must be a JSON object");
            }
            body = object;
        } catch (IOException e) {
            // Jackson's message names the position; it quotes a few characters of the body, never a header.
            return failure(200, ErrorCode.INCORRECT_PARAMETER_FORMAT.code(),
                    "can only accept json format request: " + firstLine(e));
        } catch (RestFailure f) {
            return failure(f.httpStatus(), f.code(), f.getMessage());
        }
        Call call = new Call(gateway, body, client, connectionId, authorization, int64AsNumber);
        try {
            JsonNode data = route.handle(call);
            ObjectNode envelope = NODES.objectNode().put("code", 0);
            envelope.set("data", data == null ? NODES.objectNode() : data);
            envelope.setAll(call.extra);
            return new Reply(200, write(envelope));
        } catch (RestFailure f) {
            return failure(f.httpStatus(), f.code(), f.getMessage());
        } catch (StatusRuntimeException e) {
            return failure(e.getStatus());
        } catch (RuntimeException e) {
            Status status = StatusMapper.unexpected("REST " + clip(path), e);
            return failure(200, status.getCode(), status.getReason());
        }
    }

    /** {@code Accept-Type-Allow-Int64}, read as Go's ParseBool does (Milvus); absent or unreadable: the default. */
    static boolean allowInt64(String header, boolean fallback) {
        if (header == null) {
            return fallback;
        }
        return switch (header.trim()) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> fallback;
        };
    }

    /** A gRPC-level refusal from the chain (authentication, privilege check, call guard, cluster gate). */
    private static Reply failure(io.grpc.Status status) {
        String description = status.getDescription() == null ? status.getCode().toString() : status.getDescription();
        return switch (status.getCode()) {
            // As Milvus: any authentication failure is 401 with this code and message; the reason stays in the log.
            case UNAUTHENTICATED -> failure(401, ErrorCode.NEED_AUTHENTICATE.code(), NOT_AUTHENTICATED);
            case PERMISSION_DENIED -> failure(403, ErrorCode.UNEXPECTED.code(), description);
            case UNAVAILABLE -> failure(503, ErrorCode.SERVICE_UNAVAILABLE.code(), description);
            case RESOURCE_EXHAUSTED -> failure(200, ErrorCode.MEMORY_LIMIT_EXCEEDED.code(), description);
            default -> failure(200, ErrorCode.UNEXPECTED.code(), description);
        };
    }

    private static Reply failure(int httpStatus, int code, String message) {
        return new Reply(httpStatus, envelope(code, message));
    }

    static byte[] envelope(int code, String message) {
        return write(NODES.objectNode().put("code", code).put("message", message));
    }

    private static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(IOException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return clip(newline < 0 ? message : message.substring(0, newline));
    }

    private static String clip(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /**
     * The gRPC {@code authorization} value for an HTTP {@code Authorization} header, as Milvus reads it: HTTP Basic
     * is already base64("user:password"); {@code Bearer user:password} or {@code Bearer <token>} is raw and gets
     * encoded (a token without ':' is an API key, which authentication then refuses as Milvus does). No header, or
     * an empty token, means no credentials.
     */
    static String grpcAuthorization(String header) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
            String encoded = value.substring(6).trim();
            return encoded.isEmpty() ? null : encoded;
        }
        if (value.regionMatches(true, 0, "Bearer", 0, 6)) {
            value = value.substring(6).trim();
        }
        return value.isEmpty() ? null : Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    /** One REST call: its body, its caller, and what goes into the envelope next to {@code data}. */
    static final class Call {
        private final RestGateway gateway;
        final ObjectNode body;
        private final InetSocketAddress client;
        private final long connectionId;
        private final String authorization;
        final boolean int64AsNumber;
        final ObjectNode extra = NODES.objectNode();

        Call(RestGateway gateway, ObjectNode body, InetSocketAddress client, long connectionId,
             String authorization, boolean int64AsNumber) {
            this.gateway = gateway;
            this.body = body;
            this.client = client;
            this.connectionId = connectionId;
            this.authorization = authorization;
            this.int64AsNumber = int64AsNumber;
        }

        /** The body's {@code dbName}, {@code default} when absent. */
        String db() {
            String db = text("dbName", "");
            return db.isEmpty() ? "default" : db;
        }

        /** The Milvus service, as this caller, in the body's database. */
        MilvusServiceBlockingStub rpc() {
            return rpc(db());
        }

        /**
         * A collection's schema, to build a request from rows or ids ({@link RestSchemaService}); {@code request}
         * is the call it prepares (database and collection set), whose privilege is checked first.
         */
        <Q> io.milvus.grpc.CollectionSchema collectionSchema(
                io.grpc.MethodDescriptor<Q, io.milvus.grpc.DescribeCollectionResponse> method, Q request) {
            io.milvus.grpc.DescribeCollectionResponse response = gateway.collectionSchema(
                    new RestGateway.Origin(client, connectionId, authorization, db()), method, request);
            check(response.getStatus());
            return response.getSchema();
        }

        /** The Milvus service, as this caller, in the given database. */
        MilvusServiceBlockingStub rpc(String database) {
            return gateway.stub(new RestGateway.Origin(client, connectionId, authorization, database));
        }

        String required(String key) {
            JsonNode value = body.get(key);
            if (value == null || value.isNull() || (value.isTextual() && value.textValue().isEmpty())) {
                throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                        "missing required parameters, error: " + key + " is required");
            }
            if (!value.isTextual()) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, key + " must be a string");
            }
            return value.textValue();
        }

        String text(String key, String fallback) {
            return RestApi.text(body, "", key, fallback);
        }

        long integer(String key, long fallback) {
            return RestApi.integer(body, "", key, fallback);
        }

        boolean bool(String key, boolean fallback) {
            JsonNode value = body.get(key);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isBoolean()) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, key + " must be true or false");
            }
            return value.booleanValue();
        }

        java.util.List<String> strings(String key) {
            JsonNode value = body.get(key);
            java.util.List<String> out = new java.util.ArrayList<>();
            if (value == null || value.isNull()) {
                return out;
            }
            if (value.isTextual()) {
                out.add(value.textValue());
                return out;
            }
            if (!value.isArray()) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, key + " must be an array of strings");
            }
            for (JsonNode element : value) {
                if (!element.isTextual()) {
                    throw RestFailure.of(ErrorCode.PARAMETER_INVALID, key + " must be an array of strings");
                }
                out.add(element.textValue());
            }
            return out;
        }
    }

    /**
     * A string member of a JSON object ({@code fallback} when absent); {@code where} prefixes the key in the error,
     * naming a nested object such as {@code search[1].}.
     */
    static String text(JsonNode object, String where, String key, String fallback) {
        JsonNode value = object.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, where + key + " must be a string");
        }
        return value.textValue();
    }

    /** An integer member of a JSON object ({@code fallback} when absent), as {@link #text}. */
    static long integer(JsonNode object, String where, String key, long fallback) {
        JsonNode value = object.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, where + key + " must be an integer");
        }
        return value.longValue();
    }

    /** A non-zero Milvus status ends the call with its code and reason. */
    static void check(Status status) {
        if (status.getCode() != 0 || status.getErrorCodeValue() != 0) {
            throw new RestFailure(200, status.getCode() != 0 ? status.getCode() : ErrorCode.UNEXPECTED.code(),
                    status.getReason());
        }
    }

    static ArrayNode array() {
        return NODES.arrayNode();
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static JsonNode parseJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return NODES.textNode(json);
        }
    }

    static String toJson(JsonNode node) {
        return new String(write(node), StandardCharsets.UTF_8);
    }
}
