/**
 * Events from agents: batch ingestion keyed by (agent, stream, sequence number) so that a retry
 * stores nothing twice, queries by computer, module, rule, severity, time and text, and retention.
 * Ingestion uses batched JDBC for throughput; the schema is Flyway's.
 */
package dev.bulwark.manager.events;
