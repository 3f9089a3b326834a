/** Composition root: the command line that loads configuration and starts the server. */
package dev.vectorvault;
