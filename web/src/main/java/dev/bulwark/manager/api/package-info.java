/**
 * How the manager refuses: one typed exception carrying an HTTP status, a stable code, the field at
 * fault and what to do, rendered as the protocol's error body for agents and users alike.
 */
package dev.bulwark.manager.api;
