/**
 * The audit log: every change to the manager's state (who, when, what, before and after) as an
 * append-only, hash-chained sequence, with a verification that finds any edited, removed or
 * reordered entry. Writers only append, in the transaction of the change they record.
 */
package dev.bulwark.manager.audit;
