/**
 * The agent's outgoing event spool: events wait on disk, in order and numbered, until the manager
 * acknowledges them by sequence number. Crash-safe (forced appends, a torn tail is cut on open),
 * bounded (the oldest low-severity events go first, and every loss is counted), and never sends
 * anything itself: the manager client reads from it and acknowledges.
 */
package dev.bulwark.agent.spool;
