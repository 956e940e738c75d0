/**
 * The Bulwark manager: builds and signs the knowledge bases its agents pull. The only place a
 * manager signing key lives. Agents never depend on this module.
 */
package dev.bulwark.manager;
