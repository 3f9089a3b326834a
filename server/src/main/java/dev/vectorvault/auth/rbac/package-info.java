/** Milvus 2.6 role-based access control: roles, bindings, grants, privilege groups, and the access decision. */
package dev.vectorvault.auth.rbac;
