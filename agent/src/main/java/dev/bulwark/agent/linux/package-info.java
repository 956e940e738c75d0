/**
 * Adapters to Linux interfaces the agent's collectors and enforcers use (journald here; fanotify,
 * nftables and package databases with their issues). Each talks to one interface and nothing else;
 * the collectors beside the domain packages use them.
 */
package dev.bulwark.agent.linux;
