/**
 * The recommendation scan on the agent: this host's inventory (installed packages, listening
 * ports, systemd services) as engine facts, evaluated by the knowledge base's recommendation rules;
 * the assignments they make go to the manager as events. It decides nothing itself.
 */
package dev.bulwark.agent.recommendation;
