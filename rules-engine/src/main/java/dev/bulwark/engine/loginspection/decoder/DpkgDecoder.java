package dev.bulwark.engine.loginspection.decoder;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /var/log/dpkg.log}: {@code 2024-01-02 03:04:05 upgrade openssh-server:amd64 1:9.2p1-2 1:9.2p1-2+deb12u3}.
 * Actions: {@code install}, {@code upgrade}, {@code remove}, {@code purge}, {@code configure},
 * {@code status}, {@code trigproc}. Extra: {@code package}, {@code architecture}, {@code fromVersion}, {@code toVersion}, {@code state}.
 */
final class DpkgDecoder implements MessageDecoder {

    static final Pattern LINE = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}) (install|upgrade|remove|purge|configure|trigproc|status|startup) (.*)$");

    @Override
    public String name() {
        return "dpkg";
    }

    @Override
    public boolean decode(String line, Fields f) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return false;
        }
        String verb = m.group(2);
        String[] parts = m.group(3).split(" ");
        f.action(verb);
        if (verb.equals("status") && parts.length >= 3) {
            f.put("state", parts[0]);
            pkg(parts[1], f);
            f.put("toVersion", parts[2]);
        } else if (!verb.equals("startup") && parts.length >= 1) {
            pkg(parts[0], f);
            if (parts.length >= 3) {
                f.put("fromVersion", parts[1].equals("<none>") ? null : parts[1]).put("toVersion", parts[2].equals("<none>") ? null : parts[2]);
            } else if (parts.length == 2) {
                f.put("toVersion", parts[1]);
            }
        }
        return true;
    }

    private static void pkg(String token, Fields f) {
        int colon = token.indexOf(':');
        f.put("package", colon < 0 ? token : token.substring(0, colon)).put("architecture", colon < 0 ? null : token.substring(colon + 1));
    }
}
