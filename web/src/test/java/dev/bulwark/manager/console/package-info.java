/** Tests of the web console: a real manager, Debian's chromium driven through its chromedriver, and every page per role over HTTP. */
package dev.bulwark.manager.console;
