/**
 * Files the server writes through Logback besides standard output: the rolling audit file behind
 * {@link dev.vectorvault.auth.AuditSink}. Logback's own types stay in this package.
 */
package dev.vectorvault.logging;
