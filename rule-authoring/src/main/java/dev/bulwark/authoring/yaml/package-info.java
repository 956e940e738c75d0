/** YAML helpers shared by templates and cases: where a value sits in its file, for problems that name a line. */
package dev.bulwark.authoring.yaml;
