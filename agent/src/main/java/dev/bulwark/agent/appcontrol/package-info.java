/**
 * Application control on the agent: the inventory of executables (the allowlist), admin approvals
 * and blocks, maintenance windows, and enforcement through fanotify exec permission events with the
 * knowledge base's application-control rules deciding.
 */
package dev.bulwark.agent.appcontrol;
