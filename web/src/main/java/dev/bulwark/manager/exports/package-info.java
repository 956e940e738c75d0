/**
 * Events and the audit log leaving the manager: exports as CSV (OpenCSV, formula cells defused),
 * JSON lines and CEF, and forwarding of new events to a syslog server (RFC 5424 over TCP or TLS,
 * octet-counted frames, CEF in the message). Forwarding never slows ingestion: a bounded queue,
 * whose overflow is counted. Administrators change the destination while the manager runs; the
 * change is checked, stored, audited and wins over the start options.
 */
package dev.bulwark.manager.exports;
