/**
 * Integrity-monitoring facts: the recorded state of a file or entity and a change between two
 * states. Collectors produce them; rules decide severity. Nothing here touches the file system.
 */
package dev.bulwark.engine.integrity;
