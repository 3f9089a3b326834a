/** gRPC adapters only: decode Milvus wire messages, call the domain services, encode results and statuses. */
package dev.vectorvault.server;
