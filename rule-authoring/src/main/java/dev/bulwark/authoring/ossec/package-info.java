/**
 * Reading OSSEC and Wazuh rulesets as their authors wrote them: decoder and rule XML files, loaded
 * from a path at run time (they are GPL: never copied into Bulwark), into typed definitions with
 * file and line. This is the importer's first layer; translating definitions into decoders the
 * agent runs and DRL the engine runs comes on top of it.
 */
package dev.bulwark.authoring.ossec;
