/**
 * Publishing knowledge bases: compile the organisation's rule content, sign it with the manager's
 * key, and keep every published version in the manager's data folder. Versions only ever grow,
 * so an agent's anti-rollback check holds across republishing.
 */
package dev.bulwark.manager.knowledgebases;
