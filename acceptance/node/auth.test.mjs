// Acceptance test: the official Milvus Node SDK (@zilliz/milvus2-sdk-node, pinned) against a running VectorVault
// server with authentication on. Run with `MILVUS_ADDRESS=127.0.0.1:19530 node --test` (NodeSdkAcceptanceTest does
// this against a fresh server). Root must still have the default password.
//
// Every password used here starts with PASSWORD_MARKER ('NodeP'; all of 6 or more characters with 'NodePw'), so the
// JUnit side can check that no password ever reaches the server log.
//
// Each rejected login counts towards the server's login throttle (by default an address is slowed down after 20
// failures), so the tests keep their rejected calls few: about a dozen for the whole file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';

const address = process.env.MILVUS_ADDRESS;
if (!address) {
  throw new Error('set MILVUS_ADDRESS to the server address, e.g. 127.0.0.1:19530');
}

const ROOT = { username: 'root', password: 'Milvus' };
const PASSWORD_MARKER = 'NodeP';
const GRPC_UNAUTHENTICATED = 16;
const GRPC_PERMISSION_DENIED = 7;
const AUTH_FAILURE = /auth check failure/;

let sequence = 0;

/** A fresh valid user name (letters, digits, underscores; at most 32 characters). */
function uniqueUsername() {
  sequence += 1;
  return `nodesdk_${Date.now()}_${sequence}`;
}

/** A fresh valid password (6 to 256 characters) with the marker the server log is checked for. */
function uniquePassword() {
  sequence += 1;
  return `${PASSWORD_MARKER}w_${Date.now()}_${sequence}`;
}

/**
 * Per-test fixture: clients it opens are closed and users it creates are deleted when the test ends, so node exits
 * and repeated runs against one server do not pile up users.
 */
function fixture(t) {
  const clients = [];
  const users = [];
  let rootClient;

  const f = {
    /** A client for these credentials ({username, password} or {token}). */
    client(credentials) {
      const client = new MilvusClient({ address, ...credentials });
      // The constructor fires Connect without awaiting it; a client with bad credentials would otherwise report an
      // unhandled rejection (failing the run) if the test does not await connectPromise before it settles.
      client.connectPromise.catch(() => {});
      clients.push(client);
      return client;
    },
    root() {
      rootClient ??= f.client(ROOT);
      return rootClient;
    },
    /** Creates a user as root and returns its credentials. */
    async newUser(password = uniquePassword()) {
      const username = uniqueUsername();
      assertSuccess(await f.root().createUser({ username, password }));
      users.push(username);
      return { username, password };
    },
    /** Remembers a user created by the test itself, for the clean-up. */
    created(username) {
      users.push(username);
    },
  };

  t.after(async () => {
    for (const username of users) {
      await f.root().deleteUser({ username });
    }
    for (const client of clients) {
      await client.closeConnection();
    }
  });
  return f;
}

function assertSuccess(status) {
  assert.equal(status.error_code, 'Success', `expected success, got ${JSON.stringify(status)}`);
  assert.equal(status.code, 0);
}

function assertIllegalArgument(status) {
  assert.equal(status.error_code, 'IllegalArgument', `expected IllegalArgument, got ${JSON.stringify(status)}`);
  assert.equal(status.code, 1100);
}

/** The call fails with gRPC UNAUTHENTICATED and the server's auth-failure message. */
async function assertUnauthenticated(promise) {
  await assert.rejects(promise, err => {
    assert.equal(err.code, GRPC_UNAUTHENTICATED, `expected UNAUTHENTICATED, got ${err.code}: ${err.message}`);
    assert.match(err.message, AUTH_FAILURE);
    return true;
  });
}

test('root connects with username and password and with a token', async t => {
  const f = fixture(t);
  for (const client of [f.client(ROOT), f.client({ token: `${ROOT.username}:${ROOT.password}` })]) {
    await client.connectPromise;
    const health = await client.checkHealth();
    assert.equal(health.isHealthy, true);
    const version = await client.getVersion();
    assertSuccess(version.status);
    assert.ok(version.version, `no version in ${JSON.stringify(version)}`);
  }
});

test('a created user is listed and can log in', async t => {
  const f = fixture(t);
  const username = uniqueUsername();
  const password = uniquePassword();

  assertSuccess(await f.root().createUser({ username, password }));
  f.created(username);

  const list = await f.root().listUsers();
  assertSuccess(list.status);
  assert.ok(list.usernames.includes('root'), `root missing from ${list.usernames}`);
  assert.ok(list.usernames.includes(username), `${username} missing from ${list.usernames}`);

  const asUser = f.client({ username, password });
  const health = await asUser.checkHealth();
  assert.equal(health.isHealthy, true);
});

test('a user who is not root may not administer users', async t => {
  const f = fixture(t);
  const user = await f.newUser();
  const asUser = f.client(user);
  await asUser.connectPromise;

  await assert.rejects(asUser.listUsers(), err => {
    assert.equal(err.code, GRPC_PERMISSION_DENIED, `expected PERMISSION_DENIED, got ${err.code}: ${err.message}`);
    assert.match(err.message, /permission deny/);
    return true;
  });
});

test('bad credentials are rejected with UNAUTHENTICATED', async t => {
  const f = fixture(t);
  const user = await f.newUser();

  const wrongPassword = f.client({ username: user.username, password: `${user.password}x` });
  // Connect itself fails; checkHealth waits for Connect, so it fails the same way.
  await assertUnauthenticated(wrongPassword.connectPromise);
  await assertUnauthenticated(wrongPassword.checkHealth());
  // listUsers does not wait for Connect: this shows the server rejects the RPC itself, not only Connect.
  await assertUnauthenticated(wrongPassword.listUsers());

  const unknownUser = f.client({ username: uniqueUsername(), password: uniquePassword() });
  await assertUnauthenticated(unknownUser.connectPromise);
  await assertUnauthenticated(unknownUser.listUsers());
});

test('a user changes their password: the new one works, the old one is rejected', async t => {
  const f = fixture(t);
  const user = await f.newUser();
  const newPassword = uniquePassword();
  const asUser = f.client(user);
  await asUser.connectPromise;

  // Wrong old password: refused in the status, the password stays.
  const refused = await asUser.updatePassword({
    username: user.username, oldPassword: `${user.password}x`, newPassword,
  });
  assert.equal(refused.code, 1400, JSON.stringify(refused));
  assert.match(refused.reason, /old password not correct/);

  assertSuccess(await asUser.updatePassword({
    username: user.username, oldPassword: user.password, newPassword,
  }));

  const withNew = f.client({ username: user.username, password: newPassword });
  assert.equal((await withNew.checkHealth()).isHealthy, true);
  await assertUnauthenticated(f.client(user).checkHealth());
});

test('deleting a user cuts off their open client; root cannot be deleted; a missing user deletes fine', async t => {
  const f = fixture(t);
  const user = await f.newUser();
  const asUser = f.client(user);
  assert.equal((await asUser.checkHealth()).isHealthy, true);

  assertSuccess(await f.root().deleteUser({ username: user.username }));
  await assertUnauthenticated(asUser.checkHealth());
  const list = await f.root().listUsers();
  assert.ok(!list.usernames.includes(user.username), `${user.username} still listed: ${list.usernames}`);

  const rootDelete = await f.root().deleteUser({ username: 'root' });
  assert.notEqual(rootDelete.error_code, 'Success');
  assert.match(rootDelete.reason, /root user cannot be deleted/);
  assert.equal((await f.root().checkHealth()).isHealthy, true);

  assertSuccess(await f.root().deleteUser({ username: uniqueUsername() }));
});

test('user names and passwords outside the limits are rejected as IllegalArgument', async t => {
  const f = fixture(t);
  const root = f.root();
  const password = uniquePassword();
  const invalidUsernames = {
    '33 characters': `n${'x'.repeat(32)}`,
    'leading digit': `1${uniqueUsername()}`,
    'hyphen': `${uniqueUsername()}-x`,
    'empty': '',
  };
  for (const [what, username] of Object.entries(invalidUsernames)) {
    const status = await root.createUser({ username, password });
    assertIllegalArgument(status);
    assert.ok(status.reason, `no reason for ${what}`);
  }

  const invalidPasswords = {
    '5 characters': PASSWORD_MARKER,
    '257 characters': `${PASSWORD_MARKER}w_`.padEnd(257, 'p'),
  };
  for (const [what, badPassword] of Object.entries(invalidPasswords)) {
    assert.equal(badPassword.length, Number.parseInt(what, 10));
    const username = uniqueUsername();
    assertIllegalArgument(await root.createUser({ username, password: badPassword }));
  }

  // None of the rejected users exists.
  const list = await root.listUsers();
  for (const username of Object.values(invalidUsernames)) {
    assert.ok(!list.usernames.includes(username), `${username} was created`);
  }
});

test('user names and passwords at the limits are accepted', async t => {
  const f = fixture(t);
  const root = f.root();

  const longestName = uniqueUsername().padEnd(32, 'n');
  assert.equal(longestName.length, 32);
  assertSuccess(await root.createUser({ username: longestName, password: uniquePassword() }));
  f.created(longestName);

  const shortest = await f.newUser(`${PASSWORD_MARKER}w`);
  assert.equal(shortest.password.length, 6);
  assert.equal((await f.client(shortest).checkHealth()).isHealthy, true);

  const longest = await f.newUser(uniquePassword().padEnd(256, 'p'));
  assert.equal(longest.password.length, 256);
  assert.equal((await f.client(longest).checkHealth()).isHealthy, true);

  // All 256 characters count: changing only the last one is a wrong password.
  const lastCharChanged = `${longest.password.slice(0, 255)}q`;
  assert.notEqual(lastCharChanged, longest.password);
  await assertUnauthenticated(f.client({ username: longest.username, password: lastCharChanged }).checkHealth());
});

test('creating a user that already exists is refused', async t => {
  const f = fixture(t);
  const user = await f.newUser();

  const status = await f.root().createUser({ username: user.username, password: uniquePassword() });
  assert.notEqual(status.error_code, 'Success');
  assert.match(status.reason, /user already exists/);
  // The first password still works.
  assert.equal((await f.client(user).checkHealth()).isHealthy, true);
});
