/**
 * Rule cases: the {@code .cases.yaml} beside each DRL file (facts in, exact findings, verdicts and
 * assignments out) and the runner that checks a knowledge base against them. Used by
 * {@code bulwark-rules test} and {@code lint}, and by the knowledge base's own build.
 */
package dev.bulwark.authoring.cases;
