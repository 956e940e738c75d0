package dev.bulwark.authoring.bench;

import dev.bulwark.authoring.catalog.CatalogRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A reproducible catalog of realistic rules for benchmarks and ranking tests: virtual patches for
 * real applications and vulnerability classes with CVE ids and CVSS scores, plus log, integrity,
 * anti-malware and application-control rules, each with a title, a description and DRL text of
 * the shape the knowledge base uses. The same seed always gives the same rules.
 */
public final class CatalogCorpus {

    private static final String[][] APPLICATIONS = {
            {"apache", "Apache HTTP Server", "mod_proxy", "mod_rewrite", "mod_lua"},
            {"nginx", "nginx", "resolver", "HTTP/2 module", "range filter"},
            {"bind", "ISC BIND", "named resolver", "DNSSEC validator", "zone transfer"},
            {"openssh", "OpenSSH", "sshd", "ssh-agent", "scp"},
            {"mysql", "MySQL Server", "optimizer", "replication", "InnoDB"},
            {"postgresql", "PostgreSQL", "libpq", "PL/pgSQL", "logical replication"},
            {"tomcat", "Apache Tomcat", "AJP connector", "JSP servlet", "session manager"},
            {"log4j", "Apache Log4j", "JNDI lookup", "message formatting", "MDC context"},
            {"openssl", "OpenSSL", "X.509 verification", "TLS handshake", "ASN.1 parser"},
            {"sudo", "sudo", "sudoedit", "policy plugin", "argument parsing"},
            {"polkit", "polkit", "pkexec", "D-Bus authentication", "policy agent"},
            {"exim", "Exim", "SMTP daemon", "DKIM verification", "base64 decoder"},
            {"postfix", "Postfix", "smtpd", "lookup tables", "TLS proxy"},
            {"samba", "Samba", "smbd", "vfs_fruit", "netlogon"},
            {"wordpress", "WordPress", "REST API", "XML-RPC", "plugin loader"},
            {"jenkins", "Jenkins", "CLI", "script console", "agent protocol"},
            {"redis", "Redis", "Lua scripting", "cluster bus", "RESTORE command"},
            {"elasticsearch", "Elasticsearch", "Groovy sandbox", "snapshot API", "query DSL"},
            {"glibc", "GNU C Library", "getaddrinfo", "ld.so loader", "iconv"},
            {"linux", "Linux kernel", "netfilter", "io_uring", "eBPF verifier"},
            {"php", "PHP", "php-fpm", "unserialize", "CGI handler"},
            {"struts", "Apache Struts", "OGNL evaluation", "file upload", "REST plugin"},
            {"confluence", "Atlassian Confluence", "OGNL template", "setup endpoint", "widget connector"},
            {"exchange", "Microsoft Exchange", "Autodiscover", "PowerShell remoting", "OWA"},
    };
    private static final String[][] KINDS = {
            {"remote code execution", "rce", "allows a remote, unauthenticated attacker to execute arbitrary code"},
            {"SQL injection", "sqli", "lets an attacker run SQL of their choosing through a crafted parameter"},
            {"path traversal", "traversal", "lets a crafted path read or write files outside the served directory"},
            {"heap buffer overflow", "overflow", "corrupts heap memory with an oversized field and can lead to code execution"},
            {"denial of service", "dos", "exhausts CPU or memory with a small crafted request"},
            {"authentication bypass", "auth-bypass", "grants access without valid credentials"},
            {"XML external entity", "xxe", "resolves external entities in untrusted XML and discloses files"},
            {"server-side request forgery", "ssrf", "makes the server send requests to internal addresses"},
            {"deserialization", "deserialization", "instantiates attacker-chosen classes from untrusted serialized data"},
            {"privilege escalation", "privesc", "lets a local user gain root privileges"},
            {"cross-site scripting", "xss", "reflects unescaped input into a page and runs script in the victim's browser"},
            {"information disclosure", "info-leak", "reveals memory contents or secrets to a remote peer"},
    };
    private static final String[] SEVERITIES = {"low", "medium", "high", "critical"};
    private static final String[] OTHER_MODULES = {"loginspection", "integrity", "antimalware", "appcontrol"};
    private static final String[][] OTHER_TOPICS = {
            {"authentication failures", "authentication,brute-force"},
            {"configuration file changed", "configuration,compliance"},
            {"web shell uploaded", "webshell,malware"},
            {"unrecognised executable started", "execution,unknown"},
            {"privileged account added", "accounts,privilege"},
            {"suspicious cron entry", "persistence,cron"},
    };

    private CatalogCorpus() {
    }

    public static List<CatalogRule> generate(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<CatalogRule> rules = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rules.add(i % 5 == 4 ? other(i, random) : virtualPatch(i, random));
        }
        return rules;
    }

    private static CatalogRule virtualPatch(int i, SplittableRandom r) {
        String[] app = APPLICATIONS[r.nextInt(APPLICATIONS.length)];
        String component = app[2 + r.nextInt(3)];
        String[] kind = KINDS[r.nextInt(KINDS.length)];
        int year = 2014 + r.nextInt(12);
        String cve = "CVE-" + year + "-" + (1000 + r.nextInt(98_000));
        double cvss = Math.round((4.0 + r.nextDouble() * 6.0) * 10) / 10.0;
        String severity = cvss >= 9 ? "critical" : cvss >= 7 ? "high" : cvss >= 4 ? "medium" : "low";
        String id = String.format(Locale.ROOT, "IPS-%s-%05d", app[0].toUpperCase(Locale.ROOT), i);
        String title = app[1] + " " + component + " " + kind[0] + " (" + cve + ")";
        String description = "A flaw in the " + component + " of " + app[1] + " " + kind[2] + ". This virtual patch blocks requests "
                + "that exploit " + cve + " until the vendor's fix is installed" + (r.nextInt(3) == 0 ? "; a public exploit exists." : ".");
        boolean prevent = r.nextInt(4) != 0;
        String drl = "rule \"" + app[0] + " " + kind[1] + " " + i + "\"\n"
                + "    @id(\"" + id + "\") @title(\"" + title + "\") @module(\"ips\") @severity(\"" + severity + "\")\n"
                + "    @cve(\"" + cve + "\") @cvss(\"" + cvss + "\") @application(\"" + app[0] + "\") @tags(\"vulnerability," + kind[1] + "\")\n"
                + "when\n"
                + "    $h: HttpRequest( application == \"" + app[0] + "\", signature == \"" + kind[1] + "-" + i + "\" )\n"
                + "then\n"
                + "    insert(" + (prevent ? "Verdict.decide(kcontext, Action.BLOCK, " : "Finding.raise(kcontext, Severity." + severity.toUpperCase(Locale.ROOT) + ", ")
                + "\"" + cve + " exploit attempt against " + component + "\"));\n"
                + "end";
        return new CatalogRule(id, title, description, "ips", severity, List.of(cve), cvss, app[0], List.of("vulnerability", kind[1]),
                prevent ? CatalogRule.PREVENT : CatalogRule.DETECT_ONLY, i % 7 == 0 ? "organisation" : "built-in", 1, drl,
                1 + r.nextInt(4), i % 3 == 0 ? List.of("linux-servers") : List.of(), "generated/ips-" + (i / 250) + ".drl:" + (1 + (i % 250) * 12));
    }

    private static CatalogRule other(int i, SplittableRandom r) {
        String module = OTHER_MODULES[r.nextInt(OTHER_MODULES.length)];
        String[] topic = OTHER_TOPICS[r.nextInt(OTHER_TOPICS.length)];
        String[] app = APPLICATIONS[r.nextInt(APPLICATIONS.length)];
        String severity = SEVERITIES[r.nextInt(SEVERITIES.length)];
        String id = String.format(Locale.ROOT, "%s-%s-%05d", module.substring(0, 2).toUpperCase(Locale.ROOT), app[0].toUpperCase(Locale.ROOT), i);
        String title = app[1] + ": " + topic[0];
        String description = "Raised when " + app[1] + " shows " + topic[0] + " on a protected server; review the evidence and the "
                + app[2] + " logs.";
        String drl = "rule \"" + app[0] + " " + topic[0] + " " + i + "\"\n"
                + "    @id(\"" + id + "\") @title(\"" + title + "\") @module(\"" + module + "\") @severity(\"" + severity + "\")\n"
                + "    @application(\"" + app[0] + "\") @tags(\"" + topic[1] + "\")\n"
                + "when\n"
                + "    $e: LogEvent( decoder == \"" + app[0] + "\", action == \"" + topic[1].split(",")[0] + "-" + i + "\" )\n"
                + "then\n"
                + "    insert(Finding.raise(kcontext, Severity." + severity.toUpperCase(Locale.ROOT) + ", \"" + topic[0] + " on \" + $e.host()));\n"
                + "end";
        return new CatalogRule(id, title, description, module, severity, List.of(), null, app[0], List.of(topic[1].split(",")),
                CatalogRule.DETECT_ONLY, "built-in", 1, drl, r.nextInt(3), List.of(), "generated/" + module + ".drl:" + (1 + i));
    }
}
