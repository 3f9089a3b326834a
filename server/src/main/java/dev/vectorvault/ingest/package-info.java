/**
 * Bulk import's file side: where import files may be read from ({@link dev.vectorvault.ingest.ImportRoot}), the
 * streaming readers of Milvus's import layouts (a JSON array of rows, a group of NumPy {@code .npy} columns), and the
 * job record the RPCs report. Knows no wire types; the server turns what these read into insert batches.
 */
package dev.vectorvault.ingest;
