/**
 * Application control on the agent: the inventory of executables (the allowlist) checked against
 * the package managers' records ({@link dev.bulwark.agent.appcontrol.PackageFiles}: dpkg and rpm),
 * admin approvals and blocks, maintenance windows, and enforcement through fanotify exec permission
 * events with the knowledge base's application-control rules deciding, trusted executables answered
 * by the kernel itself (ignore marks).
 */
package dev.bulwark.agent.appcontrol;
