/** Tests of the agent's command line and of the manager commands it carries out. */
package dev.bulwark.agent.cli;
