/**
 * Bulk import's file side: where import files may be read from ({@link dev.vectorvault.ingest.ImportFiles}: a
 * local folder or the deployment's bucket), the streaming readers of Milvus's import layouts (a JSON array of rows, a
 * group of NumPy {@code .npy} columns, CSV, Parquet: the only package that uses parquet-java), the job the RPCs
 * report and where jobs are recorded (memory, or etcd shared by the nodes of a cluster). Knows no wire types; the
 * server turns what these read into insert batches.
 */
package dev.vectorvault.ingest;
