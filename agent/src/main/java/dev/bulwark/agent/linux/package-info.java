/**
 * Adapters to Linux interfaces the agent's collectors and enforcers use: journald, file-system
 * calls by raw byte path and fanotify through Java's foreign function API (nftables and package
 * databases come with their issues). Each talks to one interface and nothing else; the collectors
 * beside the domain packages use them. Nothing here loads a native library of its own.
 */
package dev.bulwark.agent.linux;
