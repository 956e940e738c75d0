/**
 * Loading precompiled knowledge bases and evaluating facts against them: one-off batches and
 * long-lived stream (CEP) sessions, with every result explained and per-rule cost counted.
 * Runs on the agent: no DRL parser, no Java compiler is used or needed here.
 */
package dev.bulwark.engine.evaluation;
