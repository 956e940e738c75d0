/**
 * Who may call what. Agents authenticate every call with their own Ed25519 signature (no
 * passwords, no cookies) and may call only the agent protocol; people and scripts authenticate
 * with an API key bound to a role (admin, rule author, analyst, auditor) and may never call the
 * agent protocol. Keys and passwords are stored only as hashes.
 */
package dev.bulwark.manager.security;
