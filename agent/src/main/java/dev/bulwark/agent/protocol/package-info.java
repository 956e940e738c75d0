/**
 * The agent–manager protocol: the JSON messages both sides exchange (records), their limits, and
 * the Ed25519 request signature by which every call after enrolment is authenticated as one agent.
 * Pure data and cryptography: no I/O and no HTTP client here, so the manager can depend on it
 * without pulling in the agent's runtime.
 */
package dev.bulwark.agent.protocol;
