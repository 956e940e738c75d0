/**
 * The agent's side of the manager protocol: its identity (enrolment, its own key pair), the HTTP
 * client that signs every call, and the uplink loop that sends heartbeats and drains the event
 * spools. It reads the spools and acknowledges; it never decides anything about protection.
 */
package dev.bulwark.agent.uplink;
