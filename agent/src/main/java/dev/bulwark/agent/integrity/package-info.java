/**
 * File integrity monitoring on the agent: walks the monitored trees by raw byte path, records a
 * baseline in the agent's store (streamed, written atomically), compares the file system with it
 * and turns each difference into a {@code FileChange} fact for the integrity rules. It reads and
 * hashes files; it never writes, moves or opens for writing anything it monitors.
 */
package dev.bulwark.agent.integrity;
