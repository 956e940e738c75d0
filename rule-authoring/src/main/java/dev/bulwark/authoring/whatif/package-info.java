/**
 * What-if: replays recorded events through the current and a candidate rule set side by side and
 * reports which findings appear, disappear or change. It reads and compares; it never publishes.
 */
package dev.bulwark.authoring.whatif;
