/**
 * Turns raw log lines into typed {@link dev.bulwark.engine.loginspection.LogEvent}s, in Java, before any
 * rule sees them: the syslog header (RFC 3164, RFC 5424, short journal form), then a decoder per
 * program (sshd, sudo, su, PAM, account tools, kernel firewall, cron, auditd, dpkg, web servers,
 * databases, mail). Pure functions of the line: no I/O, bounded work per line, never throws on
 * hostile input. Rules test the decoded fields with literals.
 */
package dev.bulwark.engine.loginspection.decoder;
