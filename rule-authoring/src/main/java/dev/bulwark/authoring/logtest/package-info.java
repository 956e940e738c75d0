/**
 * The rule engineer's log tester ({@code bulwark-rules logtest}, like {@code wazuh-logtest}): decode lines, evaluate
 * them against rules compiled in process or a signed bundle, and show the decoder, the fields and the
 * rule that decided each line. Authoring side: it may compile.
 */
package dev.bulwark.authoring.logtest;
