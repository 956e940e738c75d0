package dev.bulwark.engine.loginspection.decoder;

import dev.bulwark.engine.loginspection.LogEvent;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One raw line in, one {@link LogEvent} out, always: a line no decoder knows is still an event
 * (program and message kept, no action), and hostile input is made safe rather than refused.
 *
 * <ol>
 *   <li><b>journald JSON</b>: a {@code journalctl -o json} entry is first turned into its syslog line.</li>
 *   <li><b>Sanitise</b>: cut at {@link #MAX_LINE_CHARS} ({@code extra.truncated}), replace NUL and other
 *       control characters (a decoded field can never carry a line break or terminal escape).</li>
 *   <li><b>Header</b>: headerless application formats (web access, Apache/nginx error, auditd, dpkg,
 *       MySQL, PostgreSQL), then RFC 5424, RFC 3164 (with or without priority, with or without host,
 *       RFC 3339 or classic time), daemontools TAI64N, and the short {@code host program[pid]:} form.</li>
 *   <li><b>Message</b>: the decoder for the program ({@code pam_unix(...)} messages go to PAM whoever logged them).</li>
 * </ol>
 * Thread-safe and stateless apart from the clock used to infer the year of RFC 3164 timestamps.
 */
public final class LogLineDecoder {

    /** Characters kept from one line; the rest is dropped and the event says so. */
    public static final int MAX_LINE_CHARS = 64 * 1024;
    /** Messages longer than this are not run through message patterns (bounded work per line). */
    static final int MAX_DECODED_CHARS = 8 * 1024;

    private static final Pattern RFC5424 = Pattern.compile("^<(\\d{1,3})>1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) ");
    private static final Pattern BSD_TIME = Pattern.compile("^(?:<(\\d{1,3})>)?([A-Z][a-z]{2}) {1,2}(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)? ");
    private static final Pattern ISO_TIME = Pattern.compile("^(?:<(\\d{1,3})>)?(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:\\d{2}))\\s+");
    private static final Pattern TAI64N = Pattern.compile("^@([0-9a-f]{24}) ");
    private static final Pattern PROGRAM = Pattern.compile("^([^\\s\\[\\]:]{1,64}(?:\\([^)\\s]{0,64}\\))?)(?:\\[(\\d{1,10})\\])?: ?");
    /** Idents old syslog daemons and tools write: {@code syslogd 1.4.1: restart.}, {@code -- root[2421]: ROOT LOGIN ON tty2}. */
    private static final Pattern PROGRAM_LOOSE = Pattern.compile("^((?:-- )?[^\\s\\[\\]:]{1,64}(?: [\\d.]{1,16})?)(?:\\[(\\d{1,10})\\])?: ?");
    private static final Pattern REPEATED = Pattern.compile("^message repeated (\\d{1,9}) times: \\[ ?(.*?)\\]\\s*$");
    private static final Pattern MYSQL = Pattern.compile("^(\\d{6}\\s+\\d{1,2}:\\d{2}:\\d{2}|\\d{4}-\\d{2}-\\d{2}[ T]\\s?\\d{1,2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?)\\s+(?:\\d+\\s+)?\\[(\\w+)\\]\\s+(.*)$");
    private static final Pattern POSTGRES = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?) (\\w+) \\[(\\d+)\\](?:-\\d+)? (?:(\\S+)@(\\S+) )?(LOG|FATAL|ERROR|WARNING|DETAIL|STATEMENT|HINT|PANIC):\\s+(.*)$");
    private static final Pattern APACHE_ERROR = Pattern.compile("^\\[(\\w{3} (\\w{3}) (\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)? (\\d{4}))\\] (.*)$");
    private static final DateTimeFormatter ACCESS_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
    private static final DateTimeFormatter NGINX_TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter DPKG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("Jan", 1), Map.entry("Feb", 2), Map.entry("Mar", 3),
            Map.entry("Apr", 4), Map.entry("May", 5), Map.entry("Jun", 6), Map.entry("Jul", 7), Map.entry("Aug", 8), Map.entry("Sep", 9),
            Map.entry("Oct", 10), Map.entry("Nov", 11), Map.entry("Dec", 12));

    private final Clock clock;
    private final ZoneId zone;
    private final Map<String, MessageDecoder> byProgram = new HashMap<>();
    private final MessageDecoder pam = new PamDecoder();
    private final MessageDecoder sshd = new SshdDecoder();
    private final MessageDecoder postfix = new PostfixDecoder();
    private final MessageDecoder dovecot = new DovecotDecoder();
    private final MessageDecoder accounts = new AccountDecoder();
    private final MessageDecoder systemd = new SystemdDecoder();
    private final MessageDecoder mysql = new DatabaseDecoders.Mysql();
    private final MessageDecoder postgres = new DatabaseDecoders.Postgres();
    private final MessageDecoder apacheError = new WebDecoders.ApacheError();
    private final MessageDecoder nginxError = new WebDecoders.NginxError();
    private final MessageDecoder access = new WebDecoders.Access();
    private final MessageDecoder auditd = new AuditdDecoder();
    private final MessageDecoder dpkg = new DpkgDecoder();

    /**
     * @param clock decides the year of timestamps that do not carry one (RFC 3164): the current year,
     *              or the previous one when that would put the line more than a week in the future
     * @param zone  the zone of timestamps that do not carry one
     */
    public LogLineDecoder(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
        for (String p : new String[] {"sshd", "sshd-session"}) {
            byProgram.put(p, sshd);
        }
        byProgram.put("sudo", new SudoDecoder());
        byProgram.put("su", new SuDecoder());
        for (String p : new String[] {"useradd", "groupadd", "userdel", "groupdel", "usermod", "groupmod", "gpasswd", "chpasswd", "passwd", "chage", "newusers"}) {
            byProgram.put(p, accounts);
        }
        MessageDecoder cron = new CronDecoder();
        for (String p : new String[] {"CRON", "cron", "crond", "anacron"}) {
            byProgram.put(p, cron);
        }
        for (String p : new String[] {"systemd", "systemd-logind", "init"}) {
            byProgram.put(p, systemd);
        }
        byProgram.put("kernel", new KernelDecoder());
        for (String p : new String[] {"dovecot", "dovecot-auth", "imap-login", "pop3-login", "managesieve-login", "submission-login", "auth", "auth-worker"}) {
            byProgram.put(p, dovecot);
        }
        for (String p : new String[] {"mysqld", "mariadbd", "mysqld_safe", "mariadb"}) {
            byProgram.put(p, mysql);
        }
        for (String p : new String[] {"postgres", "postgresql"}) {
            byProgram.put(p, postgres);
        }
        for (String p : new String[] {"httpd", "apache2", "apache"}) {
            byProgram.put(p, apacheError);
        }
    }

    public LogLineDecoder() {
        this(Clock.systemUTC(), ZoneId.systemDefault());
    }

    /** Decodes one line; {@code hostHint} is used when the line names no host (e.g. a web access log). */
    public LogEvent decode(String rawLine, String hostHint) {
        Map<String, String> notes = new LinkedHashMap<>();
        String input = rawLine == null ? "" : rawLine;
        if (input.length() <= MAX_LINE_CHARS && JournalEntries.looksLikeEntry(input)) {
            // a journald entry (journalctl -o json): decode the syslog line it stands for
            var entry = JournalEntries.parse(input);
            if (entry.isPresent()) {
                input = JournalEntries.toSyslogLine(entry.get());
                notes.put("format", "journald-json");
            }
        }
        String line = sanitise(input, notes);
        Fields f = new Fields();
        f.extra.putAll(notes);
        Header h = header(line, f);
        if (h.decoder == null && h.program != null && h.message.length() <= MAX_DECODED_CHARS) {
            String message = h.message;
            // rsyslog folds identical lines: decode the line it repeats, and say how often it came
            Matcher repeated = REPEATED.matcher(message);
            if (repeated.matches()) {
                message = repeated.group(2);
                f.put("repeated", repeated.group(1));
            }
            MessageDecoder d = decoderFor(h.program, message);
            if (d != null && d.decode(message, f)) {
                h.decoder = d.name();
            }
        }
        return new LogEvent(h.timestamp > 0 ? h.timestamp : clock.millis(), h.host != null ? h.host : hostHint, h.program, h.pid,
                h.decoder, f.action, f.status, f.srcIp, f.srcPort, f.dstIp, f.dstPort, f.user, f.url, f.id, f.extra, line);
    }

    public LogEvent decode(String rawLine) {
        return decode(rawLine, null);
    }

    private MessageDecoder decoderFor(String program, String message) {
        if (message.startsWith("pam_unix(") || message.startsWith("PAM ") || program.endsWith("(pam_unix)")) {
            return pam;
        }
        String base = program;
        int paren = base.indexOf('(');
        if (paren > 0) {
            base = base.substring(0, paren);
        }
        MessageDecoder d = byProgram.get(base);
        if (d != null) {
            return d;
        }
        if (base.startsWith("postfix") || base.endsWith("/smtpd") || base.endsWith("/postscreen")) {
            return postfix;
        }
        if (base.endsWith("-login") || base.startsWith("dovecot")) {
            return dovecot;
        }
        if (base.startsWith("httpd") || base.startsWith("apache")) {
            return apacheError;
        }
        if (base.startsWith("systemd")) {
            return systemd;
        }
        return null;
    }

    /** Parsed header; {@code decoder} is set when a headerless format already decoded the whole line. */
    private static final class Header {
        long timestamp;
        String host;
        String program;
        Integer pid;
        String message;
        String decoder;
    }

    private Header header(String line, Fields f) {
        Header h = new Header();
        h.message = line;
        if (line.isEmpty()) {
            return h;
        }
        char c0 = line.charAt(0);
        if (c0 == 't' || c0 == 'n') {
            if ((line.startsWith("type=") || line.startsWith("node=")) && line.length() <= MAX_DECODED_CHARS && auditd.decode(line, f)) {
                h.timestamp = AuditdDecoder.timestamp(line);
                return whole(h, "auditd", "auditd");
            }
        }
        if (c0 == '[') {
            Matcher m = APACHE_ERROR.matcher(line);
            if (m.matches()) {
                h.timestamp = millis(Integer.parseInt(m.group(7)), MONTHS.getOrDefault(m.group(2), 1), Integer.parseInt(m.group(3)),
                        Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)));
                h.program = "apache";
                h.message = m.group(8);
                if (h.message.length() <= MAX_DECODED_CHARS && apacheError.decode(h.message, f)) {
                    h.decoder = apacheError.name();
                }
                return h;
            }
        }
        if (Character.isDigit(c0) && line.length() <= MAX_DECODED_CHARS) {
            if (headerlessDigitFormats(line, h, f)) {
                return h;
            }
        }
        // before the access-log regex: the strict syslog form cannot be an access line (its fourth token
        // would have to open with '['), and it is the line most files are made of
        if (fastBsdHeader(line, h)) {
            return h;
        }
        if (c0 != '<' && line.length() <= MAX_DECODED_CHARS && line.indexOf(" \"") > 0 && access.decode(line, f)) {
            h.timestamp = parse(WebDecoders.Access.timestamp(line), ACCESS_TIME, true);
            return whole(h, "web-access", access.name());
        }
        Matcher m5424 = RFC5424.matcher(line);
        if (m5424.lookingAt()) {
            h.timestamp = parseIso(m5424.group(2));
            h.host = nil(m5424.group(3));
            h.program = nil(m5424.group(4));
            h.pid = Numbers.integer(nil(m5424.group(5)));
            h.message = afterStructuredData(line, m5424.end());
            return h;
        }
        String rest = null;
        Matcher bsd = BSD_TIME.matcher(line);
        if (bsd.lookingAt()) {
            h.timestamp = bsdMillis(bsd.group(2), Integer.parseInt(bsd.group(3)), Integer.parseInt(bsd.group(4)), Integer.parseInt(bsd.group(5)),
                    Integer.parseInt(bsd.group(6)));
            rest = line.substring(bsd.end());
        } else {
            Matcher iso = ISO_TIME.matcher(line);
            if (iso.lookingAt()) {
                h.timestamp = parseIso(iso.group(2));
                rest = line.substring(iso.end());
            } else {
                Matcher tai = TAI64N.matcher(line);
                if (tai.lookingAt()) {
                    h.timestamp = tai64n(tai.group(1));
                    Matcher p = PROGRAM.matcher(line.substring(tai.end()));
                    if (p.lookingAt()) {
                        h.program = p.group(1);
                        h.pid = Numbers.integer(p.group(2));
                        h.message = line.substring(tai.end() + p.end());
                    }
                    return h;
                }
            }
        }
        if (rest != null) {
            hostAndProgram(rest, h);
            return h;
        }
        // the short "host program[pid]: message" form (journal exports, some relays)
        int sp = line.indexOf(' ');
        if (sp > 0 && sp < 256) {
            Matcher p = PROGRAM.matcher(line.substring(sp + 1));
            if (p.lookingAt() && line.substring(0, sp).matches("[\\w.\\-]{1,255}")) {
                h.host = line.substring(0, sp);
                h.program = p.group(1);
                h.pid = Numbers.integer(p.group(2));
                h.message = line.substring(sp + 1 + p.end());
            }
        }
        return h;
    }

    private boolean headerlessDigitFormats(String line, Header h, Fields f) {
        Matcher pg = POSTGRES.matcher(line);
        if (pg.matches()) {
            h.timestamp = parse(pg.group(1).replaceFirst("\\.\\d+$", ""), DPKG_TIME, false);
            h.program = "postgres";
            h.pid = Numbers.integer(pg.group(3));
            h.message = pg.group(7);
            f.put("severity", pg.group(6)).put("database", pg.group(5));
            if (postgres.decode(h.message, f)) {
                h.decoder = postgres.name();
                if (f.user == null && pg.group(4) != null) {
                    f.user(pg.group(4));
                }
            }
            return true;
        }
        Matcher dp = DpkgDecoder.LINE.matcher(line);
        if (dp.matches()) {
            h.timestamp = parse(dp.group(1), DPKG_TIME, false);
            dpkg.decode(line, f);
            whole(h, "dpkg", dpkg.name());
            return true;
        }
        Matcher ng = WebDecoders.NginxError.LINE.matcher(line);
        if (ng.matches()) {
            h.timestamp = parse(ng.group(1), NGINX_TIME, false);
            nginxError.decode(line, f);
            whole(h, "nginx", nginxError.name());
            return true;
        }
        Matcher my = MYSQL.matcher(line);
        if (my.matches()) {
            h.program = "mysqld";
            h.message = my.group(3);
            f.put("level", my.group(2));
            if (mysql.decode(h.message, f)) {
                h.decoder = mysql.name();
            }
            h.timestamp = mysqlTime(my.group(1));
            return true;
        }
        return false;
    }

    private static Header whole(Header h, String program, String decoder) {
        h.program = program;
        h.decoder = decoder;
        return h;
    }

    /**
     * The common case without a regex: {@code Mmm dd hh:mm:ss host program[pid]: message}, the form
     * most syslog files are in. Anything else (priority, fractions of seconds, no host, odd idents)
     * returns false and takes the general path, which gives the same result for this form.
     */
    private boolean fastBsdHeader(String line, Header h) {
        int n = line.length();
        if (n < 20 || line.charAt(3) != ' ' || line.charAt(6) != ' ' || line.charAt(9) != ':' || line.charAt(12) != ':' || line.charAt(15) != ' ') {
            return false;
        }
        Integer month = MONTHS.get(line.substring(0, 3));
        int d1 = line.charAt(4);
        int d2 = line.charAt(5);
        if (month == null || !(d1 == ' ' || isDigit(d1)) || !isDigit(d2) || !isDigit(line.charAt(7)) || !isDigit(line.charAt(8))
                || !isDigit(line.charAt(10)) || !isDigit(line.charAt(11)) || !isDigit(line.charAt(13)) || !isDigit(line.charAt(14))) {
            return false;
        }
        int hostEnd = line.indexOf(' ', 16);
        if (hostEnd <= 16 || line.charAt(hostEnd - 1) == ':' || line.lastIndexOf('[', hostEnd) >= 16) {
            return false; // no host: the first token is already "program[pid]:"
        }
        // program: up to '[' or ':' with no space; then optional [pid]; then ':' and an optional space
        int i = hostEnd + 1;
        int progStart = i;
        while (i < n && i - progStart <= 64) {
            char c = line.charAt(i);
            if (c == '[' || c == ':' || c == ' ' || c == ']' || c == '(') {
                break;
            }
            i++;
        }
        if (i == progStart || i >= n || (line.charAt(i) != '[' && line.charAt(i) != ':')) {
            return false;
        }
        int progEnd = i;
        Integer pid = null;
        if (line.charAt(i) == '[') {
            int close = line.indexOf(']', i);
            if (close < 0 || close - i > 11) {
                return false;
            }
            pid = Numbers.integer(line.substring(i + 1, close));
            if (pid == null) {
                return false;
            }
            i = close + 1;
        }
        if (i >= n || line.charAt(i) != ':') {
            return false;
        }
        i++;
        if (i < n && line.charAt(i) == ' ') {
            i++;
        }
        int day = (d1 == ' ' ? 0 : (d1 - '0') * 10) + (d2 - '0');
        h.timestamp = bsdMillis(line.substring(0, 3), day, (line.charAt(7) - '0') * 10 + line.charAt(8) - '0',
                (line.charAt(10) - '0') * 10 + line.charAt(11) - '0', (line.charAt(13) - '0') * 10 + line.charAt(14) - '0');
        h.host = line.substring(16, hostEnd);
        h.program = line.substring(hostEnd + 1, progEnd);
        h.pid = pid;
        h.message = line.substring(i);
        return true;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** {@code [host] program[pid]: message}; the host is absent when the first token is already a program. */
    private static void hostAndProgram(String rest, Header h) {
        Matcher p = PROGRAM.matcher(rest);
        if (p.lookingAt() && !rest.startsWith(p.group(1) + " ")) {
            h.program = p.group(1);
            h.pid = Numbers.integer(p.group(2));
            h.message = rest.substring(p.end());
            return;
        }
        int sp = rest.indexOf(' ');
        if (sp <= 0) {
            h.message = rest;
            return;
        }
        h.host = rest.substring(0, sp);
        String after = rest.substring(sp + 1).stripLeading();
        Matcher q = PROGRAM.matcher(after);
        if (!q.lookingAt()) {
            q = PROGRAM_LOOSE.matcher(after);
        }
        if (q.lookingAt()) {
            h.program = q.group(1);
            h.pid = Numbers.integer(q.group(2));
            h.message = after.substring(q.end());
        } else {
            h.message = after;
        }
    }

    /** RFC 5424 structured data: "-" or one or more [id k="v" ...] elements, quotes and escapes respected. */
    private static String afterStructuredData(String line, int at) {
        int i = at;
        if (i < line.length() && line.charAt(i) == '-') {
            i++;
        } else {
            while (i < line.length() && line.charAt(i) == '[') {
                boolean quoted = false;
                i++;
                while (i < line.length()) {
                    char c = line.charAt(i);
                    if (c == '\\' && quoted) {
                        i += 2;
                        continue;
                    }
                    if (c == '"') {
                        quoted = !quoted;
                    } else if (c == ']' && !quoted) {
                        break;
                    }
                    i++;
                }
                i++;
            }
        }
        String msg = i < line.length() ? line.substring(i) : "";
        if (msg.startsWith(" ")) {
            msg = msg.substring(1);
        }
        if (msg.startsWith("\uFEFF")) {
            msg = msg.substring(1);
        }
        return msg;
    }

    /**
     * Makes a line safe to carry: at most {@link #MAX_LINE_CHARS}, no NUL or control characters
     * (a CR/LF or escape sequence inside a line cannot forge a second line or reach a terminal).
     */
    static String sanitise(String raw, Map<String, String> notes) {
        String s = raw;
        if (s.length() > MAX_LINE_CHARS) {
            notes.put("truncated", "true");
            notes.put("originalLength", Integer.toString(s.length()));
            s = s.substring(0, MAX_LINE_CHARS);
        }
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        StringBuilder out = null;
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            boolean bad = (c < 0x20 && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0);
            if (bad) {
                if (out == null) {
                    out = new StringBuilder(end).append(s, 0, i);
                    notes.put("controlCharacters", "replaced");
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out != null ? out.toString() : s.substring(0, end);
    }

    /** The start of the last hour an RFC 3164 line named: log lines come in time order, so one entry serves most lines. */
    private record HourStart(int month, int day, int hour, long millis) {
    }

    private volatile HourStart lastHour = new HourStart(0, 0, -1, 0);

    private long bsdMillis(String mon, int day, int hh, int mm, int ss) {
        int month = MONTHS.getOrDefault(mon, 0);
        if (month == 0 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) {
            return -1;
        }
        HourStart h = lastHour;
        if (h.month() != month || h.day() != day || h.hour() != hh) {
            LocalDate today = LocalDate.now(clock.withZone(zone));
            long t = millis(today.getYear(), month, day, hh, 0, 0);
            if (t > clock.millis() + 7L * 24 * 3600 * 1000) {
                t = millis(today.getYear() - 1, month, day, hh, 0, 0);
            }
            if (t < 0) {
                return -1;
            }
            h = new HourStart(month, day, hh, t);
            lastHour = h;
        }
        return h.millis() + (mm * 60L + ss) * 1000L;
    }

    private long millis(int year, int month, int day, int hh, int mm, int ss) {
        try {
            return LocalDateTime.of(year, month, day, hh, mm, ss).atZone(zone).toInstant().toEpochMilli();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private long parse(String text, DateTimeFormatter format, boolean withZone) {
        if (text == null) {
            return -1;
        }
        try {
            return withZone ? ZonedDateTime.parse(text, format).toInstant().toEpochMilli()
                    : LocalDateTime.parse(text, format).atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    private long parseIso(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).atZone(zone).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                return -1;
            }
        }
    }

    private long mysqlTime(String text) {
        String t = text.trim().replaceAll("\\s+", " ");
        try {
            if (t.matches("\\d{6} .*")) {
                String[] hms = t.substring(7).split(":");
                return millis(2000 + Integer.parseInt(t.substring(0, 2)), Integer.parseInt(t.substring(2, 4)), Integer.parseInt(t.substring(4, 6)),
                        Integer.parseInt(hms[0]), Integer.parseInt(hms[1]), Integer.parseInt(hms[2]));
            }
            String iso = t.replace(' ', 'T');
            String[] parts = iso.split("T");
            String[] hms = parts[1].replaceAll("[Z+].*$", "").split("[:.]");
            String[] ymd = parts[0].split("-");
            return millis(Integer.parseInt(ymd[0]), Integer.parseInt(ymd[1]), Integer.parseInt(ymd[2]), Integer.parseInt(hms[0]),
                    Integer.parseInt(hms[1]), Integer.parseInt(hms[2]));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** TAI64N label: 2^62 + seconds since 1970 (TAI, ~37 s ahead of UTC; the difference is ignored) and nanoseconds. */
    private static long tai64n(String hex) {
        try {
            long secs = Long.parseUnsignedLong(hex.substring(0, 16), 16) - (1L << 62);
            long nanos = Long.parseLong(hex.substring(16), 16);
            return secs * 1000 + nanos / 1_000_000;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static String nil(String s) {
        return s == null || s.equals("-") ? null : s;
    }
}
