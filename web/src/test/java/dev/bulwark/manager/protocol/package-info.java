/** Integration tests of the agent protocol against a real manager and, where asked, a real agent process. */
package dev.bulwark.manager.protocol;
