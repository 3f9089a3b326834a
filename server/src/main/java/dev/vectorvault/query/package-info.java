/** The data path: validating and writing entities, filter expressions, search and query over collection data. */
package dev.vectorvault.query;
