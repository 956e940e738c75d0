/**
 * Rule templates: structured definitions (YAML or JSON, validated against a JSON Schema) of the
 * common rule kinds, turned into DRL that then passes the same policy and compiler as hand-written
 * rules. Nothing a template says reaches the DRL except through the schema's patterns and string escaping.
 */
package dev.bulwark.authoring.template;
