package dev.vectorvault.server;

import dev.vectorvault.auth.Caller;
import dev.vectorvault.auth.Password;
import dev.vectorvault.auth.UserInfo;
import dev.vectorvault.auth.UserService;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.common.PermissionDeniedException;
import io.grpc.stub.StreamObserver;
import io.milvus.grpc.CheckHealthRequest;
import io.milvus.grpc.CheckHealthResponse;
import io.milvus.grpc.ConnectRequest;
import io.milvus.grpc.ConnectResponse;
import io.milvus.grpc.CreateCredentialRequest;
import io.milvus.grpc.DeleteCredentialRequest;
import io.milvus.grpc.GetVersionRequest;
import io.milvus.grpc.GetVersionResponse;
import io.milvus.grpc.ListCredUsersRequest;
import io.milvus.grpc.ListCredUsersResponse;
import io.milvus.grpc.ListDatabasesRequest;
import io.milvus.grpc.ListDatabasesResponse;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.SelectUserRequest;
import io.milvus.grpc.SelectUserResponse;
import io.milvus.grpc.ServerInfo;
import io.milvus.grpc.Status;
import io.milvus.grpc.UpdateCredentialRequest;
import io.milvus.grpc.UserEntity;
import io.milvus.grpc.UserResult;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Milvus gRPC service: handshake and user management. RPCs not overridden here answer UNIMPLEMENTED, which
 * every SDK treats as a fast, non-retried failure. No handler lets an exception escape (that would be UNKNOWN, which
 * the Java SDK retries 75 times).
 */
final class MilvusServiceAdapter extends MilvusServiceGrpc.MilvusServiceImplBase {
    static final String COMPATIBLE_VERSION = "v2.6.0";

    private final UserService users;
    private final AtomicLong identifiers = new AtomicLong(ThreadLocalRandom.current().nextLong(1, 1L << 40));
    private final ServerInfo serverInfo;

    MilvusServiceAdapter(UserService users, String buildTime) {
        this.users = users;
        this.serverInfo = ServerInfo.newBuilder()
                .setBuildTags(COMPATIBLE_VERSION)
                .setBuildTime(buildTime)
                .setGitCommit("vectorvault")
                .setGoVersion("Java " + Runtime.version())
                .setDeployMode("STANDALONE")
                .build();
    }

    @Override
    public void connect(ConnectRequest request, StreamObserver<ConnectResponse> out) {
        respond("Connect", out, () -> ConnectResponse.newBuilder()
                        .setStatus(StatusMapper.success())
                        .setServerInfo(serverInfo)
                        .setIdentifier(identifiers.incrementAndGet())
                        .build(),
                s -> ConnectResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getVersion(GetVersionRequest request, StreamObserver<GetVersionResponse> out) {
        respond("GetVersion", out, () -> GetVersionResponse.newBuilder()
                        .setStatus(StatusMapper.success()).setVersion(COMPATIBLE_VERSION).build(),
                s -> GetVersionResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void checkHealth(CheckHealthRequest request, StreamObserver<CheckHealthResponse> out) {
        respond("CheckHealth", out, () -> CheckHealthResponse.newBuilder()
                        .setStatus(StatusMapper.success()).setIsHealthy(true).build(),
                s -> CheckHealthResponse.newBuilder().setStatus(s).build());
    }

    /** Only {@code default} exists until the catalog arrives; the v2 SDK calls this when a database is named. */
    @Override
    public void listDatabases(ListDatabasesRequest request, StreamObserver<ListDatabasesResponse> out) {
        respond("ListDatabases", out, () -> ListDatabasesResponse.newBuilder()
                        .setStatus(StatusMapper.success()).addDbNames("default").addDbIds(1).build(),
                s -> ListDatabasesResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void createCredential(CreateCredentialRequest request, StreamObserver<Status> out) {
        respond("CreateCredential", out, () -> {
            Password password = decodePassword(request.getPassword(), "decode password fail");
            users.createUser(caller(), request.getUsername(), password, request.getDescription());
            return StatusMapper.success();
        }, Function.identity());
    }

    @Override
    public void updateCredential(UpdateCredentialRequest request, StreamObserver<Status> out) {
        respond("UpdateCredential", out, () -> {
            Caller caller = caller();
            boolean passwordChange = !request.getOldPassword().isEmpty() || !request.getNewPassword().isEmpty();
            // The v2 SDK's updateUser sends only a description: that must never touch the password.
            if (!passwordChange && request.hasDescription()) {
                users.changeDescription(caller, request.getUsername(), request.getDescription());
                return StatusMapper.success();
            }
            Password oldPassword = decodePassword(request.getOldPassword(), "decode old password failed");
            Password newPassword = decodePassword(request.getNewPassword(), "decode password failed");
            users.changePassword(caller, request.getUsername(), oldPassword, newPassword);
            if (request.hasDescription()) {
                users.changeDescription(caller, request.getUsername(), request.getDescription());
            }
            return StatusMapper.success();
        }, Function.identity());
    }

    @Override
    public void deleteCredential(DeleteCredentialRequest request, StreamObserver<Status> out) {
        respond("DeleteCredential", out, () -> {
            users.deleteUser(caller(), request.getUsername());
            return StatusMapper.success();
        }, Function.identity());
    }

    @Override
    public void listCredUsers(ListCredUsersRequest request, StreamObserver<ListCredUsersResponse> out) {
        respond("ListCredUsers", out, () -> ListCredUsersResponse.newBuilder()
                        .setStatus(StatusMapper.success())
                        .addAllUsernames(users.listUsers(caller()))
                        .build(),
                s -> ListCredUsersResponse.newBuilder().setStatus(s).build());
    }

    /** Users and descriptions; role bindings are empty until roles exist. */
    @Override
    public void selectUser(SelectUserRequest request, StreamObserver<SelectUserResponse> out) {
        respond("SelectUser", out, () -> {
            Optional<String> name = request.hasUser() && !request.getUser().getName().isEmpty()
                    ? Optional.of(request.getUser().getName()) : Optional.empty();
            SelectUserResponse.Builder response = SelectUserResponse.newBuilder().setStatus(StatusMapper.success());
            for (UserInfo user : users.describeUsers(caller(), name)) {
                response.addResults(UserResult.newBuilder()
                        .setUser(UserEntity.newBuilder().setName(user.username()))
                        .setDescription(user.description()));
            }
            return response.build();
        }, s -> SelectUserResponse.newBuilder().setStatus(s).build());
    }

    private static Caller caller() {
        return CallContext.caller();
    }

    private static Password decodePassword(String base64, String failure) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new MilvusException(ErrorCode.UNEXPECTED, failure + ": illegal base64 data");
        }
        return Password.fromUtf8(bytes).orElseThrow(
                () -> MilvusException.invalidParameter("invalid password: not valid UTF-8"));
    }

    /**
     * Runs a handler and always answers: a domain failure in the response Status, a privilege failure as gRPC
     * PERMISSION_DENIED (as Milvus), anything unexpected as a Status with an incident id.
     */
    private static <T> void respond(String method, StreamObserver<T> out, Supplier<T> handler,
                                    Function<Status, T> failed) {
        T response;
        try {
            response = handler.get();
        } catch (MilvusException e) {
            response = failed.apply(StatusMapper.of(e));
        } catch (PermissionDeniedException e) {
            out.onError(io.grpc.Status.PERMISSION_DENIED.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            response = failed.apply(StatusMapper.unexpected(method, e));
        }
        out.onNext(response);
        out.onCompleted();
    }
}
