/**
 * The Bulwark agent: runs on each protected server, loads signed knowledge bases (never compiles
 * rules), evaluates facts its collectors produce and reports results. Knows no Spring and no
 * Drools compiler; depends on the rules engine's runtime side only.
 */
package dev.bulwark.agent;
