package dev.bulwark.engine.recommendation;

/** @param protocol {@code tcp} or {@code udp}; @param process executable name of the owner, if known */
public record ListeningPort(String protocol, String address, int port, String process, int pid) {
}
