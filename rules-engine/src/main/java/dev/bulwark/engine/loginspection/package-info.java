/**
 * Log-inspection facts: one decoded log line as a typed event. Decoders (on the agent) produce
 * these; rules test decoded fields with literals. Nothing here parses raw text.
 */
package dev.bulwark.engine.loginspection;
