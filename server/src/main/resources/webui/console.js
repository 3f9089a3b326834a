// VectorVault web console. Served from the jar under /webui; talks only to /webui/api on the same origin.
// The session lives in an HttpOnly cookie the script cannot read; the CSRF token is kept in this page's memory only
// (never in localStorage or the URL) and sent with every POST. All data reaches the page through textContent.
'use strict';

let csrf = null;
let session = null;

const $ = (id) => document.getElementById(id);

function status(text, ok) {
  const bar = $('status');
  bar.textContent = text || '';
  bar.className = text ? (ok ? 'ok' : 'error') : '';
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function row(tbody, cells) {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell === undefined ? '' : String(cell);
    tr.appendChild(td);
  }
  tbody.appendChild(tr);
  return tr;
}

function clear(tableId) {
  const tbody = $(tableId).querySelector('tbody');
  tbody.replaceChildren();
  return tbody;
}

async function post(path, body) {
  const response = await fetch('/webui/api/' + path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf || '' },
    body: JSON.stringify(body || {}),
  });
  const envelope = await response.json().catch(() => ({ code: -1, message: 'HTTP ' + response.status }));
  if (response.status === 401 && path !== 'login') {
    loggedOut('Your session has ended; please log in again.');
    throw new Error('not logged in');
  }
  return envelope;
}

/** A RESTful API v2 call as the logged-in user; a non-zero code becomes an error with Milvus's message. */
async function rest(action, body) {
  const envelope = await post('v2/vectordb/' + action, body);
  if (envelope.code !== 0) throw new Error(envelope.message || ('code ' + envelope.code));
  return envelope.data;
}

function loggedOut(message) {
  csrf = null;
  session = null;
  $('nav').hidden = true;
  $('who').hidden = true;
  show('login');
  if (message) status(message, false);
}

function loggedIn(data) {
  session = data;
  csrf = data.csrfToken;
  $('nav').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = data.authEnabled ? data.user : '(authentication off)';
  $('nav-audit').hidden = !data.administrator;
  show('collections');
}

function show(page) {
  for (const section of document.querySelectorAll('.page')) section.hidden = section.id !== 'page-' + page;
  for (const button of document.querySelectorAll('nav button')) {
    button.classList.toggle('active', button.dataset.page === page);
  }
  const loaders = { collections: loadDatabases, users: loadUsers, roles: loadRoles, groups: loadGroups,
    audit: loadAudit };
  if (loaders[page]) loaders[page]().catch((e) => status(e.message, false));
}

async function run(what, action) {
  try {
    await action();
    status(what + ': done', true);
  } catch (e) {
    status(what + ': ' + e.message, false);
  }
}

// ---- collections ----
async function loadDatabases() {
  const databases = await rest('databases/list', {});
  const select = $('db-select');
  const current = select.value || 'default';
  select.replaceChildren();
  for (const name of databases) {
    const option = el('option', name);
    option.value = name;
    select.appendChild(option);
  }
  select.value = databases.includes(current) ? current : databases[0];
  await loadCollections();
}

async function loadCollections() {
  const dbName = $('db-select').value || 'default';
  const tbody = clear('collections-table');
  const names = await rest('collections/list', { dbName });
  for (const collectionName of names) {
    const tr = row(tbody, [collectionName, '…', '…', '…', '']);
    tr.dataset.collection = collectionName;
    describeInto(tr, dbName, collectionName).catch((e) => { tr.cells[4].textContent = e.message; });
  }
}

async function describeInto(tr, dbName, collectionName) {
  const described = await rest('collections/describe', { dbName, collectionName });
  const stats = await rest('collections/get_stats', { dbName, collectionName }).catch((e) => ({ rowCount: e.message }));
  tr.cells[1].textContent = stats.rowCount;
  tr.cells[2].textContent = described.load || '';
  const indexes = [];
  for (const index of described.indexes || []) {
    let state = '';
    try {
      const details = await rest('indexes/describe', { dbName, collectionName, indexName: index.indexName });
      state = details.map((d) => `${d.indexType} ${d.indexState} ${d.indexedRows}/${d.totalRows}`).join(', ');
    } catch (e) {
      state = e.message;
    }
    indexes.push(`${index.fieldName}: ${index.indexName} (${index.metricType}) ${state}`);
  }
  tr.cells[3].textContent = indexes.join('; ') || 'none';
  const fields = (described.fields || []).map((f) => {
    const params = (f.params || []).map((p) => `${p.key}=${p.value}`).join(',');
    return `${f.name} ${f.type}${f.primaryKey ? ' PK' : ''}${f.autoId ? ' auto' : ''}${params ? ' (' + params + ')' : ''}`;
  });
  tr.cells[4].appendChild(el('span', fields.join('; '), 'small'));
}

// ---- users ----
async function loadUsers() {
  const tbody = clear('users-table');
  const users = await rest('users/list', {});
  for (const userName of users) {
    const remove = el('button', 'Delete');
    remove.type = 'button';
    remove.addEventListener('click', () => run('delete ' + userName, async () => {
      await rest('users/drop', { userName });
      await loadUsers();
    }));
    const tr = row(tbody, [userName, '…', remove]);
    rest('users/describe', { userName }).then((roles) => { tr.cells[1].textContent = roles.join(', '); })
      .catch((e) => { tr.cells[1].textContent = e.message; });
  }
}

function formValues(form) {
  const values = {};
  for (const [key, value] of new FormData(form).entries()) values[key] = String(value);
  return values;
}

function onSubmit(id, handler) {
  $(id).addEventListener('submit', (event) => {
    event.preventDefault();
    const button = event.submitter ? event.submitter.value : '';
    handler(formValues(event.target), button, event.target);
  });
}

// ---- roles ----
async function loadRoles() {
  const tbody = clear('roles-table');
  const roles = await rest('roles/list', {});
  for (const roleName of roles) {
    const remove = el('button', 'Delete');
    remove.type = 'button';
    remove.addEventListener('click', () => run('drop role ' + roleName, async () => {
      await rest('roles/drop', { roleName });
      await loadRoles();
    }));
    const tr = row(tbody, [roleName, '…', remove]);
    rest('roles/describe', { roleName }).then((grants) => {
      tr.cells[1].textContent = grants.map((g) => `${g.objectType} / ${g.objectName} / ${g.privilege} / ${g.dbName}`)
        .join('; ') || 'none';
    }).catch((e) => { tr.cells[1].textContent = e.message; });
  }
}

// ---- privilege groups ----
async function loadGroups() {
  const tbody = clear('groups-table');
  const data = await rest('privilege_groups/list', {});
  for (const group of data.privilegeGroups || []) {
    const name = group.privilegeGroupName;
    const remove = el('button', 'Delete');
    remove.type = 'button';
    remove.addEventListener('click', () => run('drop group ' + name, async () => {
      await rest('privilege_groups/drop', { privilegeGroupName: name });
      await loadGroups();
    }));
    row(tbody, [name, group.privileges, remove]);
  }
}

// ---- audit ----
async function loadAudit() {
  const tbody = clear('audit-table');
  const response = await fetch('/webui/api/audit', { credentials: 'same-origin' });
  const envelope = await response.json();
  if (envelope.code !== 0) throw new Error(envelope.message);
  const failuresOnly = $('audit-failures').checked;
  for (const event of envelope.data) {
    if (failuresOnly && !event.loginFailure) continue;
    const tr = row(tbody, [event.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), event.level, event.event,
      event.line]);
    tr.cells[0].className = 'time';
    tr.cells[3].className = 'line';
  }
}

function wire() {
  for (const button of document.querySelectorAll('nav button')) {
    button.addEventListener('click', () => { status(''); show(button.dataset.page); });
  }
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const passwordField = $('login-password');
    const body = { username: $('login-user').value, password: passwordField.value };
    passwordField.value = '';
    const envelope = await post('login', body).catch((e) => ({ code: -1, message: e.message }));
    if (envelope.code === 0) {
      status('');
      loggedIn(envelope.data);
    } else {
      status('Login failed: ' + envelope.message, false);
    }
  });
  $('logout').addEventListener('click', async () => {
    await post('logout', {}).catch(() => {});
    loggedOut();
    status('Logged out.', true);
  });
  $('db-select').addEventListener('change', () => loadCollections().catch((e) => status(e.message, false)));
  $('collections-refresh').addEventListener('click', () => loadDatabases().catch((e) => status(e.message, false)));
  $('audit-refresh').addEventListener('click', () => loadAudit().catch((e) => status(e.message, false)));
  $('audit-failures').addEventListener('change', () => loadAudit().catch((e) => status(e.message, false)));
  onSubmit('user-create', (v, _b, form) => run('create user ' + v.userName, async () => {
    await rest('users/create', v);
    form.reset();
    await loadUsers();
  }));
  onSubmit('user-password', (v, _b, form) => run('change password of ' + v.userName, async () => {
    await rest('users/update_password', v);
    form.reset();
  }));
  onSubmit('user-role', (v, button) => run(button + ' role ' + v.roleName + ' for ' + v.userName, async () => {
    await rest(button === 'revoke' ? 'users/revoke_role' : 'users/grant_role', v);
    await loadUsers();
  }));
  onSubmit('role-create', (v, _b, form) => run('create role ' + v.roleName, async () => {
    await rest('roles/create', v);
    form.reset();
    await loadRoles();
  }));
  onSubmit('role-grant', (v, button) => run(button + ' ' + v.privilege + ' for ' + v.roleName, async () => {
    await rest(button === 'revoke' ? 'roles/revoke_privilege_v2' : 'roles/grant_privilege_v2', v);
    await loadRoles();
  }));
  onSubmit('group-create', (v, _b, form) => run('create group ' + v.privilegeGroupName, async () => {
    await rest('privilege_groups/create', v);
    form.reset();
    await loadGroups();
  }));
  onSubmit('group-edit', (v, button) => run(button + ' privileges', async () => {
    const privileges = v.privileges.split(',').map((p) => p.trim()).filter((p) => p);
    await rest(button === 'remove' ? 'privilege_groups/remove_privileges_from_group'
      : 'privilege_groups/add_privileges_to_group', { privilegeGroupName: v.privilegeGroupName, privileges });
    await loadGroups();
  }));
  onSubmit('query-form', (v, button) => run(button, async () => {
    const body = { dbName: v.dbName, collectionName: v.collectionName, limit: Number(v.limit) || 10,
      outputFields: v.outputFields.split(',').map((f) => f.trim()).filter((f) => f) };
    if (v.filter) body.filter = v.filter;
    let data;
    if (button === 'search') {
      let vector;
      try { vector = JSON.parse(v.vector); } catch (e) { throw new Error('the vector must be a JSON array'); }
      body.data = [vector];
      data = await rest('entities/search', body);
    } else {
      data = await rest('entities/query', body);
    }
    $('query-result').textContent = JSON.stringify(data, null, 2);
  }));
}

async function start() {
  wire();
  // A reload keeps the session (the cookie); the token comes back from the server, never from storage.
  const response = await fetch('/webui/api/session', { credentials: 'same-origin' });
  const envelope = await response.json().catch(() => ({ code: -1 }));
  if (envelope.code === 0) loggedIn(envelope.data); else loggedOut();
}

document.addEventListener('DOMContentLoaded', () => { start().catch((e) => status(e.message, false)); });
