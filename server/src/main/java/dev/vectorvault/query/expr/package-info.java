/** Milvus boolean filter expressions: parsed and type-checked against a schema, then evaluated row by row. */
package dev.vectorvault.query.expr;
