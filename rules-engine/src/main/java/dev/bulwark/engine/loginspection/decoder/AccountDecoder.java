package dev.bulwark.engine.loginspection.decoder;

/**
 * shadow-utils (useradd, groupadd, userdel, groupdel, usermod, gpasswd, chpasswd). Actions:
 * {@code user-added}, {@code group-added}, {@code user-deleted}, {@code group-deleted},
 * {@code group-member-added}, {@code password-changed}. Extra: {@code uid}, {@code gid},
 * {@code home}, {@code shell}, {@code group}.
 */
final class AccountDecoder extends PatternDecoder {

    AccountDecoder() {
        on("new user:", "^new user: name=([^,]+), UID=(\\d+), GID=(\\d+), home=([^,]*), shell=([^,\\s]*)", (m, f) ->
                f.action("user-added").user(m.group(1)).put("uid", m.group(2)).put("gid", m.group(3)).put("home", m.group(4)).put("shell", m.group(5)));
        on("new group:", "^new group: name=([^,]+), GID=(\\d+)", (m, f) ->
                f.action("group-added").put("group", m.group(1)).put("gid", m.group(2)));
        on("delete user", "^delete user '([^']+)'", (m, f) -> f.action("user-deleted").user(m.group(1)));
        on("removed group", "^(?:removed group|group) '([^']+)' removed", (m, f) -> f.action("group-deleted").put("group", m.group(1)));
        on("to group", "^(?:add|add member) '([^']+)' to (?:shadow )?group '([^']+)'", (m, f) ->
                f.action("group-member-added").user(m.group(1)).put("group", m.group(2)));
        on("password", "^(?:change user '([^']+)' password|password (?:of|for) '?([^' ]+)'? changed)", (m, f) ->
                f.action("password-changed").user(group(m, 1) != null ? m.group(1) : m.group(2)));
    }

    @Override
    public String name() {
        return "accounts";
    }
}
