/**
 * Reading the systemd journal through {@code journalctl -o json}, resuming after a persisted cursor.
 * Entries become syslog-style lines for the log decoders; nothing here decides anything.
 */
package dev.bulwark.agent.linux.journald;
