/** Immutable, validated server configuration read from milvus.yaml-style files and command-line overrides. */
package dev.vectorvault.config;
