/** Benchmark programs that compare configurations side by side in one run and print ratio tables. */
package dev.vectorvault.bench;
