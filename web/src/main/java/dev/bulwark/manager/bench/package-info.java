/**
 * Benchmarks of the manager that print figures and never assert: event ingestion through the
 * real agent protocol, side by side with the database's own batch-insert rate on the same table.
 */
package dev.bulwark.manager.bench;
