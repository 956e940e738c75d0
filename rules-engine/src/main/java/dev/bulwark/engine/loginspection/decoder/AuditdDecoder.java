package dev.bulwark.engine.loginspection.decoder;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Linux audit records ({@code type=USER_AUTH msg=audit(1373129280.000:9): pid=... msg='op=... acct="root" addr=... res=failed'}).
 * Action: the record type in lower case with dashes ({@code user-auth}, {@code user-login},
 * {@code execve}, {@code syscall}, ...); {@code id} the audit serial; {@code status} from {@code res}
 * or {@code success}; {@code user} from {@code acct}; source from {@code addr}. Every key is kept in
 * extra (the inner {@code msg='...'} fields too).
 */
final class AuditdDecoder implements MessageDecoder {

    static final Pattern RECORD = Pattern.compile("^(?:node=\\S+ )?type=(\\w+) msg=audit\\((\\d+)\\.(\\d+):(\\d+)\\): ?(.*)$");
    private static final Pattern KV = Pattern.compile("(\\w+)=(\"[^\"]*\"|'[^']*'|\\S*)");

    @Override
    public String name() {
        return "auditd";
    }

    @Override
    public boolean decode(String line, Fields f) {
        Matcher m = RECORD.matcher(line);
        if (!m.matches()) {
            return false;
        }
        f.action(m.group(1).toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        f.id = m.group(4);
        fields(m.group(5), f, 0);
        String res = f.extra.get("res");
        String success = f.extra.get("success");
        f.status(res != null ? ("success".equals(res) ? "success" : "failure") : success != null ? ("yes".equals(success) ? "success" : "failure") : null);
        String acct = f.extra.get("acct");
        if (acct != null && !acct.equals("?")) {
            f.user(acct);
        }
        String addr = f.extra.get("addr");
        if (addr != null && !addr.equals("?")) {
            f.source(addr);
        }
        return true;
    }

    private static void fields(String body, Fields f, int depth) {
        Matcher kv = KV.matcher(body);
        while (kv.find()) {
            String key = kv.group(1);
            String value = kv.group(2);
            if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))) {
                value = value.substring(1, value.length() - 1);
                if (key.equals("msg") && depth == 0) {
                    fields(value, f, 1);
                    continue;
                }
            }
            f.put(key, value);
        }
    }

    /** Epoch milliseconds of an audit record, or -1. */
    static long timestamp(String line) {
        Matcher m = RECORD.matcher(line);
        if (!m.matches()) {
            return -1;
        }
        return Long.parseLong(m.group(2)) * 1000 + Long.parseLong((m.group(3) + "000").substring(0, 3));
    }
}
