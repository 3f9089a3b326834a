package dev.vectorvault.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The catalogue against the lists of the specification (§4.4), written out here independently. */
@Timeout(30)
class PrivilegeCatalogTest {
    private final PrivilegeCatalog catalog = PrivilegeCatalog.defaults();

    @Test
    void enumNumbersAndNamesAreMilvuss() {
        assertThat(Privilege.values()).hasSize(77);
        assertThat(Privilege.INSERT.number()).isEqualTo(8);
        assertThat(Privilege.INSERT.metastoreName()).isEqualTo("PrivilegeInsert");
        assertThat(Privilege.READ_ONLY.metastoreName()).isEqualTo("PrivilegeGroupReadOnly");
        assertThat(Privilege.COLLECTION_ADMIN.metastoreName()).isEqualTo("PrivilegeGroupCollectionAdmin");
        assertThat(Privilege.GET_REPLICATE_CONFIGURATION.number()).isEqualTo(85);
        assertThat(Privilege.fromMetastoreName("PrivilegeBackupRBAC")).contains(Privilege.BACKUP_RBAC);
        assertThat(Privilege.fromApiName("BackupRBAC")).contains(Privilege.BACKUP_RBAC);
        assertThat(Privilege.fromApiName("PrivilegeInsert")).isEmpty();
    }

    @Test
    void metastoreNamesRoundTripForEveryKindOfGrantableName() {
        for (String name : List.of("Insert", "ReadOnly", "ClusterAdmin", "*", "my_group", "PrivilegeLike")) {
            assertThat(Privilege.apiNameOf(Privilege.metastoreNameOf(name))).contains(name);
        }
        assertThat(Privilege.metastoreNameOf("my_group")).isEqualTo("PrivilegeGroupmy_group");
        assertThat(Privilege.metastoreNameOf("*")).isEqualTo("*");
    }

    @Test
    void v1ObjectTypeListsAreTheSpecifications() {
        assertThat(grantable(ObjectType.COLLECTION)).containsExactlyInAnyOrder("Load", "Release", "Compaction",
                "Insert", "Delete", "Upsert", "GetStatistics", "CreateIndex", "IndexDetail", "DropIndex", "Search",
                "Flush", "Query", "LoadBalance", "Import", "GetLoadingProgress", "GetLoadState", "CreatePartition",
                "DropPartition", "ShowPartitions", "HasPartition", "GetFlushState", "ReadOnly", "ReadWrite",
                "GetImportProgress", "ListImport", "AddCollectionField");
        assertThat(grantable(ObjectType.GLOBAL)).hasSize(44).contains("All", "Admin", "ClusterAdmin",
                "CollectionReadOnly", "UpdateReplicateConfiguration", "ListAliases")
                .doesNotContain("GetReplicateConfiguration", "AddFileResource");
        assertThat(grantable(ObjectType.USER)).containsExactlyInAnyOrder("UpdateUser", "SelectUser");
    }

    @Test
    void unlistedPrivilegesAndGroupsAreGlobalObjects() {
        assertThat(Privilege.GET_REPLICATE_CONFIGURATION.objectType()).isEqualTo(ObjectType.GLOBAL);
        assertThat(Privilege.LIST_FILE_RESOURCES.objectType()).isEqualTo(ObjectType.GLOBAL);
        assertThat(Privilege.COLLECTION_READ_ONLY.objectType()).isEqualTo(ObjectType.GLOBAL);
        assertThat(Privilege.READ_ONLY.objectType()).isEqualTo(ObjectType.COLLECTION);
        assertThat(Privilege.GET_IMPORT_PROGRESS.objectType()).isEqualTo(ObjectType.COLLECTION);
    }

    @Test
    void v2GroupsContainTheSpecifiedPrivilegesAndTheLevelBelow() {
        assertThat(names(Privilege.COLLECTION_READ_ONLY)).containsExactly("Query", "Search", "IndexDetail",
                "GetFlushState", "GetLoadState", "GetLoadingProgress", "HasPartition", "ShowPartitions",
                "DescribeCollection", "DescribeAlias", "GetStatistics", "ListAliases", "GetImportProgress",
                "ListImport");
        assertThat(names(Privilege.COLLECTION_ADMIN)).containsAll(names(Privilege.COLLECTION_READ_WRITE))
                .contains("CreateAlias", "DropAlias", "AddCollectionField").hasSize(30);
        assertThat(names(Privilege.DATABASE_ADMIN)).containsExactly("ShowCollections", "DescribeDatabase",
                "AlterDatabase", "CreateCollection", "DropCollection");
        assertThat(names(Privilege.CLUSTER_READ_WRITE)).containsExactly("ListDatabases", "SelectOwnership",
                "SelectUser", "DescribeResourceGroup", "ListResourceGroups", "ListPrivilegeGroups",
                "GetReplicateConfiguration", "FlushAll", "TransferNode", "TransferReplica", "UpdateResourceGroups");
        assertThat(names(Privilege.CLUSTER_ADMIN)).hasSize(26).contains("BackupRBAC", "OperatePrivilegeGroup",
                "RenameCollection", "UpdateReplicateConfiguration");
        assertThat(catalog.builtInGroups()).extracting(PrivilegeGroup::name).containsExactly("ClusterReadOnly",
                "ClusterReadWrite", "ClusterAdmin", "DatabaseReadOnly", "DatabaseReadWrite", "DatabaseAdmin",
                "CollectionReadOnly", "CollectionReadWrite", "CollectionAdmin");
    }

    @Test
    void v1GroupsContainTheSpecifiedPrivileges() {
        assertThat(names(Privilege.READ_ONLY)).containsExactlyInAnyOrder("Query", "Search", "IndexDetail",
                "GetFlushState", "GetLoadState", "GetLoadingProgress", "HasPartition", "ShowPartitions",
                "ShowCollections", "ListAliases", "ListDatabases", "DescribeCollection", "DescribeDatabase",
                "DescribeAlias", "GetStatistics");
        assertThat(names(Privilege.READ_WRITE)).hasSize(31).containsAll(names(Privilege.READ_ONLY))
                .contains("Insert", "RenameCollection", "DropAlias");
        assertThat(names(Privilege.ADMIN)).hasSize(52).containsAll(names(Privilege.READ_WRITE))
                .contains("ManageOwnership", "UpdateReplicateConfiguration")
                .doesNotContain("ListPrivilegeGroups", "All");
    }

    @Test
    void levelIsTheFirstAdminGroupThatContainsThePrivilege() {
        assertThat(catalog.levelOf("ListDatabases")).contains(PrivilegeLevel.CLUSTER);
        assertThat(catalog.levelOf("RenameCollection")).contains(PrivilegeLevel.CLUSTER);
        assertThat(catalog.levelOf("CreateCollection")).contains(PrivilegeLevel.DATABASE);
        assertThat(catalog.levelOf("Insert")).contains(PrivilegeLevel.COLLECTION);
        assertThat(catalog.levelOf("All")).isEmpty();
        assertThat(catalog.levelOf("ReadOnly")).isEmpty();
        assertThat(catalog.levelOf("ClusterAdmin")).isEmpty();
        assertThat(catalog.levelOf("custom")).isEmpty();
    }

    @Test
    void loadAndFlushBringTheirCompanions() {
        assertThat(catalog.related("Load")).containsExactly(Privilege.GET_LOAD_STATE,
                Privilege.GET_LOADING_PROGRESS);
        assertThat(catalog.related("Flush")).containsExactly(Privilege.GET_FLUSH_STATE);
        assertThat(catalog.related("Insert")).isEmpty();
        assertThat(catalog.related("custom")).isEmpty();
    }

    @Test
    void configurationReplacesGroupContentsAndAcceptsEnumNames() {
        PrivilegeCatalog custom = PrivilegeCatalog.withOverrides(Map.of(
                "ReadOnly", List.of("PrivilegeQuery", " Search "),
                "DatabaseAdmin", List.of("CreateCollection")));
        assertThat(custom.members(Privilege.READ_ONLY)).containsExactly(Privilege.QUERY, Privilege.SEARCH);
        assertThat(custom.levelOf("DropCollection")).isEmpty();
        assertThat(custom.members(Privilege.COLLECTION_READ_ONLY)).isEqualTo(
                catalog.members(Privilege.COLLECTION_READ_ONLY));
        assertThatThrownBy(() -> PrivilegeCatalog.withOverrides(Map.of("Insert", List.of("Query"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrivilegeCatalog.withOverrides(Map.of("ReadOnly", List.of("ReadWrite"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> grantable(ObjectType type) {
        return Arrays.stream(Privilege.values()).filter(p -> p.grantableOn(type)).map(Privilege::apiName).toList();
    }

    private List<String> names(Privilege group) {
        return catalog.members(group).stream().map(Privilege::apiName).toList();
    }
}
