package dev.vectorvault.server;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.vectorvault.auth.rbac.ObjectType;
import dev.vectorvault.auth.rbac.Privilege;
import dev.vectorvault.auth.rbac.Requirement;
import io.milvus.grpc.CommonProto;
import io.milvus.grpc.PrivilegeExt;
import io.milvus.grpc.SelectGrantRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * What a request needs, read from its message type's {@code privilege_ext_obj} option exactly as Milvus's proxy does:
 * object type, privilege, and the field that names the object (a positive index is a field number; a message field
 * contributes its field 1; -1, 0 or an empty value mean {@code *}; {@code object_name_indexs} names a repeated field
 * whose every element is checked). The option is read once per message type; after that a requirement costs one
 * reflective field read.
 */
final class RequestPrivileges {
    /** One request type's option, resolved to field descriptors. Absent option: no privilege needed. */
    private record Template(ObjectType objectType, Privilege privilege, FieldDescriptor nameField,
                            boolean everyElement, FieldDescriptor databaseField) {}

    private final ConcurrentHashMap<Descriptor, Optional<Template>> templates = new ConcurrentHashMap<>();

    /** What a request needs: the privilege, and the database it must be held in. */
    record Needs(String database, Requirement requirement) {}

    /**
     * What {@code request} needs, or empty when its type carries no option (Connect, HasCollection, ...). The
     * database is the body's ({@link #bodyDatabase}), else {@code headerDatabase}; Collection names go through
     * {@code collectionResolver(database, name)} (alias resolution).
     */
    Optional<Needs> needs(Message request, String headerDatabase,
                          BiFunction<String, String, String> collectionResolver) {
        Optional<Template> template = template(request);
        if (template.isEmpty()) {
            return Optional.empty();
        }
        Template t = template.get();
        String database = bodyDatabase(t, request).orElse(headerDatabase);
        return Optional.of(new Needs(database,
                requirement(t, request, name -> collectionResolver.apply(database, name))));
    }

    /** The requirement of {@code request}, or empty when its type carries no option. */
    Optional<Requirement> of(Message request, UnaryOperator<String> collectionResolver) {
        return template(request).map(t -> requirement(t, request, collectionResolver));
    }

    /**
     * The database a request acts in, when its body names one ({@code db_name}); the check then happens there rather
     * than in the {@code dbname} header's database, so a grant in one database cannot be stretched to another by
     * sending a different body. OperatePrivilegeV2's {@code db_name} is the grant's target: ManageOwnership is needed
     * there ({@code *}: in {@code *}), not in the header's database as Milvus checks it (see
     * {@code auth.rbac.GrantAuthority} for the rest of that rule).
     */
    Optional<String> bodyDatabase(Message request) {
        return template(request).flatMap(t -> bodyDatabase(t, request));
    }

    private Optional<Template> template(Message request) {
        return templates.computeIfAbsent(request.getDescriptorForType(), RequestPrivileges::compile);
    }

    private static Optional<String> bodyDatabase(Template t, Message request) {
        if (t.databaseField() == null) {
            return Optional.empty();
        }
        Object value = request.getField(t.databaseField());
        return value instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    private static Requirement requirement(Template t, Message request, UnaryOperator<String> collectionResolver) {
        if (request instanceof SelectGrantRequest select) {
            return Requirement.selectGrant(select.getEntity().getRole().getName());
        }
        if (t.everyElement() && t.nameField() != null) {
            List<String> names = new ArrayList<>();
            for (Object element : (List<?>) request.getField(t.nameField())) {
                names.add(resolve(t, String.valueOf(element), collectionResolver));
            }
            return new Requirement(t.objectType(), t.privilege(), names, Optional.empty());
        }
        String name = nameOf(request, t.nameField());
        return new Requirement(t.objectType(), t.privilege(), List.of(resolve(t, name, collectionResolver)),
                Optional.empty());
    }

    private static String resolve(Template t, String name, UnaryOperator<String> collectionResolver) {
        if (t.objectType() != ObjectType.COLLECTION || name.equals("*")) {
            return name;
        }
        return collectionResolver.apply(name);
    }

    private static String nameOf(Message request, FieldDescriptor field) {
        if (field == null) {
            return "*";
        }
        Object value = request.getField(field);
        if (value instanceof Message nested) {
            FieldDescriptor first = nested.getDescriptorForType().findFieldByNumber(1);
            value = first == null ? "" : nested.getField(first);
        }
        String name = value == null ? "" : String.valueOf(value);
        return name.isEmpty() ? "*" : name;
    }

    private static Optional<Template> compile(Descriptor descriptor) {
        if (!descriptor.getOptions().hasExtension(CommonProto.privilegeExtObj)) {
            return Optional.empty();
        }
        PrivilegeExt ext = descriptor.getOptions().getExtension(CommonProto.privilegeExtObj);
        ObjectType type = ObjectType.fromWireName(ext.getObjectType().name()).orElseThrow(() ->
                new IllegalStateException("unknown object type in " + descriptor.getFullName()));
        Privilege privilege = Privilege.fromMetastoreName(ext.getObjectPrivilege().name()).orElseThrow(() ->
                new IllegalStateException("unknown privilege in " + descriptor.getFullName() + ": "
                        + ext.getObjectPrivilege()));
        boolean every = ext.getObjectNameIndexs() > 0;
        int index = every ? ext.getObjectNameIndexs() : ext.getObjectNameIndex();
        FieldDescriptor nameField = index > 0 ? descriptor.findFieldByNumber(index) : null;
        FieldDescriptor databaseField = descriptor.findFieldByName("db_name");
        if (databaseField != null && databaseField.getType() != FieldDescriptor.Type.STRING) {
            databaseField = null;
        }
        return Optional.of(new Template(type, privilege, nameField, every, databaseField));
    }
}
