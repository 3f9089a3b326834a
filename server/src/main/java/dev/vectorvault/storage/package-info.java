/** Durable storage; metadata sits behind an etcd-shaped key-value interface. */
package dev.vectorvault.storage;
