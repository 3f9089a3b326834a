/**
 * What the server counts and measures ({@link dev.vectorvault.metrics.ServerMetrics}), as the domain sees it: calls,
 * vectors, logins, denials, log forces. The exposition format lives behind it ({@code metrics.prometheus}).
 */
package dev.vectorvault.metrics;
