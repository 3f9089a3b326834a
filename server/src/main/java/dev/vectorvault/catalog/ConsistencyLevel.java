package dev.vectorvault.catalog;

/**
 * A collection's default read consistency. This single-node server always reads every acknowledged write, which
 * satisfies all four; the level is stored and reported because the SDKs read it back (and reject others).
 */
public enum ConsistencyLevel { STRONG, SESSION, BOUNDED, EVENTUALLY }
