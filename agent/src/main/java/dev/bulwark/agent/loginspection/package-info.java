/**
 * The agent's log inspection: reading log files line by line (bounded, any bytes), decoding each
 * line, and evaluating the events in a long-lived stream session. Nothing here matches text: the
 * rules decide on decoded fields.
 */
package dev.bulwark.agent.loginspection;
