package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.milvus.grpc.MilvusServiceGrpc;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The route table names every RPC of the protocol, and says "unimplemented" exactly for those without a handler. */
class ForwardingRoutesTest {

    private static Set<String> protocolRpcs() {
        return MilvusServiceGrpc.getServiceDescriptor().getMethods().stream()
                .map(MethodDescriptor::getBareMethodName).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyRpcOfTheServiceIsClassifiedAndNothingElse() {
        assertThat(ForwardingRoutes.all().keySet()).containsExactlyInAnyOrderElementsOf(protocolRpcs());
    }

    @Test
    void anRpcIsListedAsUnimplementedExactlyWhenTheAdapterHasNoHandlerForIt() {
        Set<String> handled = Arrays.stream(MilvusServiceAdapter.class.getDeclaredMethods())
                .filter(m -> m.getParameterCount() == 2
                        && m.getParameterTypes()[1] == io.grpc.stub.StreamObserver.class)
                .map(Method::getName).collect(Collectors.toSet());
        for (String rpc : protocolRpcs()) {
            String handler = Character.toLowerCase(rpc.charAt(0)) + rpc.substring(1);
            boolean unimplemented = ForwardingRoutes.of(rpc) == ForwardingRoutes.Route.UNIMPLEMENTED;
            // grpc-java appends '_' to a handler whose name is a Java keyword (Import -> import_).
            assertThat(handled.contains(handler) || handled.contains(handler + "_")).as(rpc + " has a handler; classify it (OWNER if it touches data)")
                    .isEqualTo(!unimplemented);
        }
    }

    @Test
    void everyForwardedRequestNamesItsDatabaseAndCollection() {
        for (MethodDescriptor<?, ?> method : MilvusServiceGrpc.getServiceDescriptor().getMethods().stream()
                .map(m -> (MethodDescriptor<?, ?>) m).toList()) {
            ForwardingRoutes.Route route = ForwardingRoutes.of(method.getBareMethodName());
            if (route != ForwardingRoutes.Route.OWNER && route != ForwardingRoutes.Route.OWNERS_OF_EACH
                    && route != ForwardingRoutes.Route.REPLICA) {
                continue;
            }
            Descriptor request = ((Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller())
                    .getMessagePrototype()).getDescriptorForType();
            // The segment views spell them dbName and collectionName; ManualCompaction may name its collection by id.
            FieldDescriptor database = Optional.ofNullable(request.findFieldByName("db_name"))
                    .orElse(request.findFieldByName("dbName"));
            FieldDescriptor collection = route == ForwardingRoutes.Route.OWNERS_OF_EACH
                    ? request.findFieldByName("collection_names")
                    : Optional.ofNullable(request.findFieldByName("collection_name"))
                            .orElse(request.findFieldByName("collectionName"));
            assertThat(database).as(method.getBareMethodName()).isNotNull();
            assertThat(database.getJavaType()).isEqualTo(FieldDescriptor.JavaType.STRING);
            assertThat(collection).as(method.getBareMethodName()).isNotNull();
            assertThat(collection.getJavaType()).isEqualTo(FieldDescriptor.JavaType.STRING);
            assertThat(collection.isRepeated()).isEqualTo(route == ForwardingRoutes.Route.OWNERS_OF_EACH);
        }
    }

    @Test
    void theRpcsThatTouchACollectionsDataGoToItsOwner() {
        for (String rpc : new String[] {"Insert", "Upsert", "Delete", "GetCollectionStatistics",
                "GetPartitionStatistics", "DescribeIndex", "GetIndexState", "GetIndexBuildProgress",
                "ManualCompaction", "GetPersistentSegmentInfo", "GetQuerySegmentInfo"}) {
            assertThat(ForwardingRoutes.of(rpc)).as(rpc).isEqualTo(ForwardingRoutes.Route.OWNER);
        }
        // Reads go to one replica (the owner when the collection has no replica placement).
        for (String rpc : new String[] {"Search", "HybridSearch", "Query"}) {
            assertThat(ForwardingRoutes.of(rpc)).as(rpc).isEqualTo(ForwardingRoutes.Route.REPLICA);
        }
        assertThat(ForwardingRoutes.of("Flush")).isEqualTo(ForwardingRoutes.Route.OWNERS_OF_EACH);
        assertThat(ForwardingRoutes.of("CreateCredential")).isEqualTo(ForwardingRoutes.Route.ANY_NODE);
        assertThat(ForwardingRoutes.of("DescribeCollection")).isEqualTo(ForwardingRoutes.Route.ANY_NODE);
    }
}
