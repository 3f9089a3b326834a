// Acceptance test: Milvus RBAC with the official Milvus Node SDK (@zilliz/milvus2-sdk-node, pinned) against a running
// VectorVault server with authentication on. Run with `MILVUS_ADDRESS=127.0.0.1:19530 node --test`
// (NodeSdkAcceptanceTest does this against a fresh server). Root must still have the default password.
//
// Users are named nodesdk_* and every password starts with 'NodePw', like in auth.test.mjs, so the JUnit side can
// check that no password reaches the server log. Roles and collections are dropped again at the end, so the file can
// run repeatedly against one server (Milvus allows only 10 roles by default, admin and public included).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';

const address = process.env.MILVUS_ADDRESS;
if (!address) {
  throw new Error('set MILVUS_ADDRESS to the server address, e.g. 127.0.0.1:19530');
}

const ROOT = { username: 'root', password: 'Milvus' };
const GRPC_PERMISSION_DENIED = 7;
const DIM = 4;
const TEST_TIMEOUT_MS = 120_000;

function unique(prefix) {
  return `${prefix}_${Date.now()}_${process.pid}`;
}

function assertSuccess(status, what = '') {
  assert.equal(status?.error_code, 'Success', `${what}: expected success, got ${JSON.stringify(status)}`);
  assert.equal(status.code, 0, `${what}: ${JSON.stringify(status)}`);
}

/** The call is refused by RBAC: gRPC PERMISSION_DENIED with Milvus's message. */
async function assertDenied(promise, privilege, username) {
  await assert.rejects(promise, err => {
    assert.equal(err.code, GRPC_PERMISSION_DENIED, `expected PERMISSION_DENIED, got ${err.code}: ${err.message}`);
    assert.match(err.message, new RegExp(`${privilege}: permission deny to ${username} in the \`default\` database`));
    return true;
  });
}

function rows(from, count) {
  return Array.from({ length: count }, (_, i) => ({
    id: from + i,
    vector: Array.from({ length: DIM }, (_, d) => ((from + i + 1) * (d + 1)) / 10),
  }));
}

test('a role with Search on one collection: search there, insert and other collections denied, revoke denies', {
  timeout: TEST_TIMEOUT_MS,
}, async t => {
  const root = new MilvusClient({ address, ...ROOT });
  const username = unique('nodesdk_rbac');
  const password = `NodePw_${Date.now()}`;
  const role = unique('node_role');
  const groupRole = unique('node_group_role');
  const permitted = unique('node_rbac_ok');
  const other = unique('node_rbac_other');
  let user;

  t.after(async () => {
    await user?.closeConnection();
    await root.dropRole({ roleName: role }).catch(() => {});
    await root.dropRole({ roleName: groupRole }).catch(() => {});
    await root.deleteUser({ username });
    await root.dropCollection({ collection_name: permitted });
    await root.dropCollection({ collection_name: other });
    await root.closeConnection();
  });

  for (const collection_name of [permitted, other]) {
    assertSuccess(await root.createCollection({ collection_name, dimension: DIM }), 'createCollection');
    assertSuccess((await root.insert({ collection_name, data: rows(0, 5) })).status, 'insert as root');
  }
  assertSuccess(await root.createUser({ username, password }), 'createUser');
  assertSuccess(await root.createRole({ roleName: role }), 'createRole');
  assertSuccess(await root.grantPrivilege({
    roleName: role, object: 'Collection', objectName: permitted, privilegeName: 'Search',
  }), 'grantPrivilege');
  assertSuccess(await root.addUserToRole({ username, roleName: role }), 'addUserToRole');

  user = new MilvusClient({ address, username, password });
  await user.connectPromise;
  const query = [0.1, 0.2, 0.3, 0.4];

  const found = await user.search({ collection_name: permitted, data: query, limit: 3 });
  assertSuccess(found.status, 'permitted search');
  assert.equal(found.results.length, 3);
  await assertDenied(user.insert({ collection_name: permitted, data: rows(100, 1) }), 'PrivilegeInsert', username);
  // The SDK describes a collection before searching it. For a collection the user cannot see, the server refuses that
  // describe (as Milvus does) and the search then fails inside the SDK.
  const hidden = await user.describeCollection({ collection_name: other });
  assert.match(hidden.status.reason, /not allowed to access collection/);
  await assert.rejects(user.search({ collection_name: other, data: query, limit: 3 }));

  // Roles and grants as the SDK lists them.
  const roles = await root.listRoles();
  assertSuccess(roles.status, 'listRoles');
  const names = roles.results.map(r => r.role.name);
  for (const expected of ['admin', 'public', role]) {
    assert.ok(names.includes(expected), `${expected} missing from ${names}`);
  }
  const described = await root.describeRole({ roleName: role });
  assertSuccess(described.status, 'describeRole');
  assert.deepEqual(described.results.map(r => r.role.name), [role]);
  assert.deepEqual(described.results[0].users.map(u => u.name), [username]);
  const grants = await root.listGrants({ roleName: role });
  assertSuccess(grants.status, 'listGrants');
  assert.deepEqual(grants.entities.map(g => [g.object.name, g.object_name, g.db_name, g.grantor.privilege.name,
    g.grantor.user.name]), [['Collection', permitted, 'default', 'Search', 'root']]);
  const user_ = await root.describeUser({ username });
  assertSuccess(user_.status, 'describeUser');
  assert.deepEqual(user_.results[0].roles.map(r => r.name), [role]);

  // Revoke: the already-open client is denied on its next call.
  assertSuccess(await root.revokePrivilege({
    roleName: role, object: 'Collection', objectName: permitted, privilegeName: 'Search',
  }), 'revokePrivilege');
  await assertDenied(user.search({ collection_name: permitted, data: query, limit: 3 }), 'PrivilegeSearch', username);

  // grantPrivilegeV2 with a built-in group on the other collection, through a second role.
  assertSuccess(await root.createRole({ roleName: groupRole }), 'createRole (group)');
  assertSuccess(await root.grantPrivilegeV2({
    role: groupRole, privilege: 'CollectionReadWrite', db_name: 'default', collection_name: other,
  }), 'grantPrivilegeV2');
  assertSuccess(await root.addUserToRole({ username, roleName: groupRole }), 'addUserToRole (group)');
  assertSuccess((await user.insert({ collection_name: other, data: rows(100, 1) })).status, 'insert with ReadWrite');
  assertSuccess((await user.search({ collection_name: other, data: query, limit: 3 })).status, 'search ReadWrite');
  const v2grants = await root.listGrants({ roleName: groupRole });
  assert.deepEqual(v2grants.entities.map(g => [g.object.name, g.object_name, g.db_name, g.grantor.privilege.name]),
    [['Global', other, 'default', 'CollectionReadWrite']]);
  assertSuccess(await root.revokePrivilegeV2({
    role: groupRole, privilege: 'CollectionReadWrite', db_name: 'default', collection_name: other,
  }), 'revokePrivilegeV2');
  await assertDenied(user.search({ collection_name: other, data: query, limit: 3 }), 'PrivilegeSearch', username);
});
