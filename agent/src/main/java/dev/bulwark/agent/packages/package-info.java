/**
 * What the host's package managers say they installed ({@link dev.bulwark.agent.packages.PackageFiles}:
 * dpkg's lists and MD5s, rpm's database through the {@code rpm} program): the owner of a path and
 * the digest recorded for it. Application control checks its inventory against it and may trust
 * package installs; integrity monitoring explains a change whose new content is what a package installed.
 */
package dev.bulwark.agent.packages;
