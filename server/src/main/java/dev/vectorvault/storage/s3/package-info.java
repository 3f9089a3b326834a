/**
 * Object storage on S3-compatible servers ({@code common.storageType: remote}): {@link
 * dev.vectorvault.storage.s3.S3ObjectStore} implements the {@link dev.vectorvault.storage.io.ObjectStore} seam on the
 * AWS SDK v2. The SDK's types stay in this package (ArchitectureTest).
 */
package dev.vectorvault.storage.s3;
