package dev.bulwark.engine.recommendation;

import java.util.List;

/** A local account from /etc/passwd, /etc/shadow and /etc/group. */
public record UserAccount(String name, int uid, int gid, String home, String shell, List<String> groups,
                          boolean locked, boolean passwordless) {
    public UserAccount {
        groups = groups == null ? List.of() : List.copyOf(groups);
    }
}
