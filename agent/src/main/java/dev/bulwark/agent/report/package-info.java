/**
 * How the agent renders results for people and machines: one JSON object per finding or verdict,
 * with the rule, the reason and the facts that matched. The event spool (manager protocol) reuses
 * this shape; nothing here sends anything.
 */
package dev.bulwark.agent.report;
