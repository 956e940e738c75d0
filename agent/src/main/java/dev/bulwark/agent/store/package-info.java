/**
 * The agent's local state on disk: the pinned signing key and the knowledge base it runs, written
 * so that a crash at any moment leaves either the old or the new state, never a torn one.
 */
package dev.bulwark.agent.store;
