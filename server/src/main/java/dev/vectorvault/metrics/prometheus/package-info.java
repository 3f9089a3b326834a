/** {@link dev.vectorvault.metrics.ServerMetrics} on the official Prometheus Java client; its types stay here. */
package dev.vectorvault.metrics.prometheus;
