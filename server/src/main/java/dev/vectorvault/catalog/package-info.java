/** Databases, collections, schemas, partitions, aliases and index definitions, persisted in the metadata store. */
package dev.vectorvault.catalog;
