/**
 * Rule authoring for security engineers: building, verifying and inspecting knowledge-base bundles,
 * linting rules, and (later) the Lucene catalog, templates and importers. Compiles rules, so it
 * runs on the manager or a workstation, never on an agent.
 */
package dev.bulwark.authoring;
