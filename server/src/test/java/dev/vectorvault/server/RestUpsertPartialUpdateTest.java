package dev.vectorvault.server;

import static dev.vectorvault.server.RestCalls.ROOT;
import static dev.vectorvault.server.RestCalls.ok;
import static dev.vectorvault.server.RestCalls.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectorvault.server.RestCalls.Reply;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * REST v2 {@code entities/upsert} with Milvus 2.6's {@code partialUpdate}: only the fields the rows carry change,
 * dynamic keys merge as gRPC's {@code partial_update} merges them, and rows carrying different fields or no key are
 * refused (1804) before anything is written. Without the flag an upsert still replaces the whole row.
 */
@Timeout(120)
class RestUpsertPartialUpdateTest {
    @TempDir
    Path dir;

    private LoopbackServer server;

    /** JSON written with single quotes, to keep the bodies readable. */
    private static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dir, Map.of());
        ok(server, "collections/create", json("{'collectionName':'t','schema':{'enableDynamicField':true,'fields':["
                + "{'fieldName':'id','dataType':'Int64','isPrimary':true},"
                + "{'fieldName':'vec','dataType':'FloatVector','elementTypeParams':{'dim':2}},"
                + "{'fieldName':'name','dataType':'VarChar','elementTypeParams':{'max_length':16}},"
                + "{'fieldName':'score','dataType':'Double','nullable':true},"
                + "{'fieldName':'tags','dataType':'Array','elementDataType':'Int64',"
                + "'elementTypeParams':{'max_capacity':4}}]},"
                + "'indexParams':[{'fieldName':'vec','indexName':'vec','metricType':'L2'}]}"));
        ok(server, "entities/insert", json("{'collectionName':'t','data':["
                + "{'id':1,'vec':[1,0],'name':'a','score':1.5,'tags':[1],'color':'red'},"
                + "{'id':2,'vec':[0,1],'name':'b','score':2.5,'tags':[2],'color':'blue'}]}"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode row(int id) throws Exception {
        JsonNode rows = ok(server, "entities/query", json("{'collectionName':'t','filter':'id == " + id + "',"
                + "'outputFields':['vec','name','score','tags','color','size']}"));
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    private Reply upsert(String body) throws Exception {
        return post(server, "entities/upsert", ROOT, json(body));
    }

    /** A partial upsert into t that must succeed; {@code rest} is the body after the flag. */
    private void partialUpsert(String rest) throws Exception {
        ok(server, "entities/upsert", json("{'collectionName':'t','partialUpdate':true," + rest + "}"));
    }

    @Test
    void partialUpdateChangesOnlyTheFieldsTheRowsCarry() throws Exception {
        partialUpsert("'data':[{'id':1,'name':'z'},{'id':2,'name':'y'}]");
        JsonNode one = row(1);
        assertThat(one.get("name").asText()).isEqualTo("z");
        assertThat(one.get("score").asDouble()).isEqualTo(1.5);
        assertThat(one.get("vec").toString()).isEqualTo("[1.0,0.0]");
        assertThat(one.get("tags").toString()).isEqualTo("[1]");
        assertThat(one.get("color").asText()).isEqualTo("red");
        assertThat(row(2).get("name").asText()).isEqualTo("y");
        assertThat(row(2).get("score").asDouble()).isEqualTo(2.5);
    }

    @Test
    void dynamicKeysAreMergedIntoTheStoredOnes() throws Exception {
        partialUpsert("'data':[{'id':1,'size':3}]");
        JsonNode one = row(1);
        assertThat(one.get("size").asInt()).isEqualTo(3);
        assertThat(one.get("color").asText()).isEqualTo("red");
        assertThat(one.get("name").asText()).isEqualTo("a");
    }

    @Test
    void anExplicitNullSetsANullableFieldToNull() throws Exception {
        partialUpsert("'data':[{'id':1,'score':null},{'id':2,'score':7}]");
        assertThat(row(1).get("score").isNull()).isTrue();
        assertThat(row(1).get("name").asText()).isEqualTo("a");
        assertThat(row(2).get("score").asDouble()).isEqualTo(7.0);
    }

    @Test
    void rowsCarryingDifferentFieldsAreRefusedAndChangeNothing() throws Exception {
        Reply reply = upsert("{'collectionName':'t','partialUpdate':true,"
                + "'data':[{'id':1,'name':'x'},{'id':2,'score':9}]}");
        assertThat(reply.code()).isEqualTo(1804);
        assertThat(reply.body().get("message").asText())
                .contains("field name is in 1 of 2 rows (missing from row 1)");
        assertThat(row(1).get("name").asText()).isEqualTo("a");
        assertThat(row(2).get("score").asDouble()).isEqualTo(2.5);
    }

    @Test
    void aRowWithoutItsKeyIsRefused() throws Exception {
        Reply reply = upsert("{'collectionName':'t','partialUpdate':true,'data':[{'id':1,'name':'x'},{'name':'w'}]}");
        assertThat(reply.code()).isEqualTo(1804);
        assertThat(reply.body().get("message").asText()).contains("row 1 has no value for primary key id");
        assertThat(row(1).get("name").asText()).isEqualTo("a");
    }

    @Test
    void aNonBooleanFlagIsRefused() throws Exception {
        Reply reply = upsert("{'collectionName':'t','partialUpdate':'yes','data':[{'id':1,'name':'x'}]}");
        assertThat(reply.code()).isEqualTo(1100);
        assertThat(reply.body().get("message").asText()).contains("partialUpdate must be true or false");
    }

    @Test
    void withoutTheFlagAnUpsertStillReplacesTheWholeRow() throws Exception {
        for (String flag : new String[] {"", "'partialUpdate':false,"}) {
            Reply missing = upsert("{'collectionName':'t'," + flag + "'data':[{'id':1,'name':'x'}]}");
            assertThat(missing.code()).as(flag).isEqualTo(1804);
            assertThat(missing.body().get("message").asText()).as(flag).contains("row 0 has no value for field vec");
        }
        ok(server, "entities/upsert", json("{'collectionName':'t','partialUpdate':false,"
                + "'data':[{'id':1,'vec':[1,1],'name':'x','tags':[]}]}"));
        JsonNode one = row(1);
        assertThat(one.get("name").asText()).isEqualTo("x");
        assertThat(one.get("score").isNull()).isTrue();
        assertThat(one.has("color")).isFalse();
    }

    @Test
    void fieldOpsApplyWithinAPartialUpdate() throws Exception {
        partialUpsert("'data':[{'id':1,'tags':[5]}],'fieldOps':[{'fieldName':'tags','op':'ARRAY_APPEND'}]");
        JsonNode one = row(1);
        assertThat(one.get("tags").toString()).isEqualTo("[1,5]");
        assertThat(one.get("vec").toString()).isEqualTo("[1.0,0.0]");
        assertThat(one.get("name").asText()).isEqualTo("a");
    }
}
