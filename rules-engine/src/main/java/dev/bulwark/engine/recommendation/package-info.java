/**
 * Host inventory facts for the recommendation scan: packages, services, listening ports and
 * users. Rules decide which protection rules a host needs; nothing here collects inventory.
 */
package dev.bulwark.engine.recommendation;
