/**
 * Agents as the manager knows them: one-time enrolment tokens, each agent's identity (its public
 * key), its heartbeats and status, and the watch for missed heartbeats. Nothing here trusts what an
 * agent says about who it is: the identity comes from the verified request signature.
 */
package dev.bulwark.manager.agents;
