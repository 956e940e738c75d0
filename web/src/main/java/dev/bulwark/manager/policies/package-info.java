/**
 * Policies: a tree in which a child inherits every setting of its parent and overrides some;
 * computers are assigned a policy and may override further. The effective policy of a computer
 * names, for each setting, where its value comes from, carries a revision that only grows, and
 * reaches the agent signed with the manager's key.
 */
package dev.bulwark.manager.policies;
