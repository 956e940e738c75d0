/**
 * File reputation: the manager's verdicts on file hashes (malicious or known good), imported by
 * admins as CSV, answered to agents' signed lookups in batches. Unknown stays unknown: the agent
 * decides what that means by its policy.
 */
package dev.bulwark.manager.reputation;
