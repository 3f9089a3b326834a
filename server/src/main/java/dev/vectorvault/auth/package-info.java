/** Identity: credential validation, password hashing, verified-credential cache, login throttling, audit. */
package dev.vectorvault.auth;
