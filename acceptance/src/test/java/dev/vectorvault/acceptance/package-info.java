/** Official Milvus SDKs (Java v1, v2 and Node) against the server running as a separate process. */
package dev.vectorvault.acceptance;
