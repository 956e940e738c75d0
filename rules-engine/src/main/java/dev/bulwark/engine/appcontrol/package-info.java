/**
 * Application-control facts: an exec the kernel handed to the agent, already checked against the
 * inventory, and the host's enforcement mode. Rules answer with allow or block verdicts.
 */
package dev.bulwark.engine.appcontrol;
