/** Error codes and exceptions shared by every layer; they map one-to-one onto Milvus wire statuses. */
package dev.vectorvault.common;
