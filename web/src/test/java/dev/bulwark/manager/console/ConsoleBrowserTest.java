package dev.bulwark.manager.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.opencsv.CSVReader;
import dev.bulwark.agent.protocol.Messages;
import dev.bulwark.agent.report.ResultJson;
import dev.bulwark.engine.Explanation;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.ProtectionModule;
import dev.bulwark.engine.Severity;
import dev.bulwark.engine.antimalware.ScannedFile;
import dev.bulwark.engine.appcontrol.EnforcementMode;
import dev.bulwark.engine.appcontrol.ExecRequest;
import dev.bulwark.agent.protocol.Messages.EventBatch;
import dev.bulwark.agent.protocol.Messages.Heartbeat;
import dev.bulwark.agent.protocol.Messages.SpooledEvent;
import dev.bulwark.agent.uplink.AgentIdentity;
import dev.bulwark.agent.uplink.ManagerClient;
import dev.bulwark.manager.protocol.RunningManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: Debian's chromium (headless) through Debian's chromedriver, against
 * a real manager with a real enrolled agent's events. It walks what a security engineer does (sign in,
 * read the dashboard, find a rule by CVE, filter and export events, queue a scan, publish a knowledge
 * base, verify the audit log, add a person) and what a narrower role may not do, and leaves a
 * screenshot of each main page in {@code target/screenshots}.
 */
class ConsoleBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target/screenshots");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static ChromeDriver browser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            if ("true".equals(System.getenv("CI"))) {
                fail("the browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
            }
            Assumptions.abort("chromium and chromium-driver are not installed");
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1100",
                "--no-first-run", "--disable-extensions", "--disable-background-networking");
        return new ChromeDriver(service, options);
    }

    static SpooledEvent event(long seq, String rule, String module, String severity, String message) {
        ObjectNode e = JSON.createObjectNode().put("kind", "finding").put("ruleId", rule).put("module", module)
                .put("severity", severity).put("message", message);
        return new SpooledEvent(seq, Instant.now().toString(), severity, e);
    }

    /** An anti-malware finding as the agent reports it: {@link ResultJson} of a finding with its evidence and the fact it matched. */
    static SpooledEvent eicar(long seq) {
        ScannedFile file = new ScannedFile("/tmp/eicar.com", null, 68, "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",
                "bob", 1000, "text", "on-access", "/usr/bin/curl");
        Finding f = new Finding("AM-SIG-0001", ProtectionModule.ANTIMALWARE, Severity.CRITICAL, "EICAR-Test-File in /tmp/eicar.com, quarantined",
                Map.of("path", "/tmp/eicar.com", "signature", "EICAR-Test-File", "action", "quarantined"),
                new Explanation("AM-SIG-0001", "bulwark.antimalware", "AM-SIG-0001 content signature match", List.of(file)));
        return new SpooledEvent(seq, Instant.now().toString(), "critical", ResultJson.of(f));
    }

    static final String XMRIG_SHA256 = "9f".repeat(32);

    /** What application control reports about an unknown program: rule AC-EXEC-0002's finding with the facts it matched, as the agent sends it. */
    static SpooledEvent unrecognised(long seq, String path) {
        ExecRequest exec = new ExecRequest(path, XMRIG_SHA256, 3_400_000, 1000, "bob", 4242, "/usr/bin/bash", "./xmrig --donate-level 1", "unknown",
                null, System.currentTimeMillis());
        Finding f = new Finding("AC-EXEC-0002", ProtectionModule.APP_CONTROL, Severity.HIGH, "blocked unrecognised executable " + path + " run by bob",
                Map.of("path", path, "sha256", XMRIG_SHA256, "user", "bob", "parent", "/usr/bin/bash", "commandLine", "./xmrig --donate-level 1"),
                new Explanation("AC-EXEC-0002", "rules.appcontrol", "block unknown software", List.of(new EnforcementMode("block", false), exec)));
        return new SpooledEvent(seq, Instant.now().toString(), "high", ResultJson.of(f));
    }

    @Test
    void aSecurityEngineersDayAndWhatNarrowerRolesMayNotDo() throws Exception {
        Files.createDirectories(SHOTS);
        try (RunningManager m = new RunningManager(tmp.resolve("manager"), Map.of()).start(0)) {
            String admin = m.adminKey();
            String adminPassword = Files.readString(tmp.resolve("manager/initial-admin-password")).trim();
            String token = JSON.readTree(m.call("POST", "/api/enrollment-tokens", admin, "{\"label\":\"web\"}").body()).get("token").asText();
            Path state = tmp.resolve("agent");
            ManagerClient.enroll(state, m.url(), token, "web-01", "test");
            ManagerClient agent = new ManagerClient(AgentIdentity.load(state).orElseThrow(), Clock.systemUTC());
            agent.heartbeat(new Heartbeat("ok", List.of("loginspection", "antimalware"), 0, Map.of()));
            agent.sendEvents(new EventBatch("logs", List.of(
                    event(1, "LI-SSH-0001", "loginspection", "high", "sshd: 5 failed logins for root from 203.0.113.9"),
                    event(2, "LI-SSH-0001", "loginspection", "medium", "<script>alert(1)</script><img src=x onerror=alert(2)>"),
                    eicar(3),
                    event(4, "LI-SSH-0001", "loginspection", "low", "sshd: accepted publickey for deploy"),
                    unrecognised(5, "/tmp/xmrig"))));
            // the test manager expects a heartbeat every second: wait for its "missed" event, so the event counts stay put below
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (JSON.readTree(m.call("GET", "/api/events/count?text=missed", admin, null).body()).get("count").asLong() == 0) {
                assertTrue(System.nanoTime() < deadline, "the manager raises heartbeat-missed");
                Thread.sleep(200);
            }
            String auditorPassword = JSON.readTree(m.call("POST", "/api/users", admin, "{\"username\":\"audrey\",\"role\":\"auditor\"}").body())
                    .get("password").asText();
            String analystPassword = JSON.readTree(m.call("POST", "/api/users", admin, "{\"username\":\"ana\",\"role\":\"analyst\"}").body())
                    .get("password").asText();

            ChromeDriver b = browser();
            try {
                WebDriverWait wait = new WebDriverWait(b, Duration.ofSeconds(20));
                String base = m.url().toString();

                // a wrong password is refused with a message, then the right one lands on the dashboard
                b.get(base + "/console");
                assertTrue(b.getCurrentUrl().endsWith("/login"), "unauthenticated: sent to sign in, not " + b.getCurrentUrl());
                signIn(b, "admin", "not-the-password");
                assertTrue(text(b, ".problem").contains("Wrong user name or password"), text(b, "main"));
                signIn(b, "admin", adminPassword);
                assertEquals("Dashboard", text(b, "h1"));
                assertTrue(text(b, ".tiles").contains("1"), "one computer: " + text(b, ".tiles"));
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#events-chart .uplot")));
                assertTrue(text(b, "main").contains("LI-SSH-0001"), "top rules list the rule that fired");
                assertTrue(text(b, "main").contains("EICAR-Test-File"), "recent critical events");
                shot(b, "dashboard");
                go(b, b.findElement(By.linkText("LI-SSH-0001")));
                assertEquals(3, b.findElements(By.cssSelector("#events tbody tr")).size(), "the figure links to the events behind it: "
                        + b.getCurrentUrl() + " " + text(b, "main"));

                // find a virtual patch by its CVE, open it, narrow by a facet
                go(b, b.findElement(By.linkText("Rules")));
                b.findElement(By.id("q")).sendKeys("CVE-2024-6387");
                go(b, b.findElement(By.cssSelector("form.search button")));
                List<WebElement> hits = b.findElements(By.cssSelector(".hit .rule-id"));
                assertFalse(hits.isEmpty(), "a CVE finds its rule: " + text(b, "main"));
                assertEquals("RC-CVE-2024-6387", hits.getFirst().getText());
                shot(b, "rules");
                go(b, hits.getFirst());
                assertTrue(text(b, "h1").startsWith("RC-CVE-2024-6387"), text(b, "h1"));
                assertTrue(text(b, "pre.drl").contains("rule \""), "the rule's DRL is shown");
                shot(b, "rule");
                b.get(base + "/console/rules");
                go(b, b.findElement(By.cssSelector("aside a[href*='module=integrity']")));
                List<WebElement> integrity = b.findElements(By.cssSelector(".hit"));
                assertFalse(integrity.isEmpty());
                assertTrue(integrity.stream().allMatch(h -> h.getText().contains("integrity")), "the facet narrows to its module");

                // events: hostile text shows as text; filter; export exactly the filter
                go(b, b.findElement(By.linkText("Events")));
                long all = JSON.readTree(m.call("GET", "/api/events/count", admin, null).body()).get("count").asLong();
                assertEquals(6, all, "the agent's five events and the manager's heartbeat-missed");
                assertEquals(all, b.findElements(By.cssSelector("#events tbody tr")).size());
                assertTrue(text(b, "#events").contains("<script>alert(1)</script><img src=x onerror=alert(2)>"), "markup is shown as text");
                assertTrue(b.findElements(By.cssSelector("#events script, #events img")).isEmpty(), "no markup from an event reaches the page");
                assertNoAlert(b);
                new Select(b.findElement(By.id("f-severity"))).selectByValue("high");
                go(b, b.findElement(By.cssSelector("form.filters button")));
                long high = JSON.readTree(m.call("GET", "/api/events/count?severity=high", admin, null).body()).get("count").asLong();
                assertEquals(4, high, "high, critical, the unrecognised program and heartbeat-missed (high)");
                assertEquals(high, b.findElements(By.cssSelector("#events tbody tr")).size(), "high and above: " + text(b, "#events"));
                shot(b, "events");
                String csvHref = b.findElement(By.id("export-csv")).getAttribute("href");
                HttpResponse<String> csv = withSession(b, csvHref);
                assertEquals(200, csv.statusCode(), csvHref);
                List<String[]> rows = new CSVReader(new StringReader(csv.body())).readAll();
                assertEquals(high + 1, rows.size(), "a header and the events of the filter: " + csv.body());
                assertTrue(rows.stream().skip(1).noneMatch(r -> List.of("info", "low", "medium").contains(r[10])), csv.body());
                go(b, b.findElement(By.xpath("//table[@id='events']//tr[contains(., 'EICAR')]//a")));
                // the explanation: which rule (from the catalog), the evidence, and the fact the rule matched, field by field
                assertTrue(text(b, "#event-rule").contains("AM-SIG-0001"), text(b, "main"));
                assertTrue(text(b, "#evidence").contains("signature EICAR-Test-File"), text(b, "#evidence"));
                assertTrue(text(b, "table.fact").contains("process /usr/bin/curl"), "the matched fact's fields: " + text(b, "main"));
                assertTrue(text(b, "h3").contains("ScannedFile"), text(b, "main"));
                b.findElement(By.cssSelector("details summary")).click();
                assertTrue(text(b, "pre.json").contains("\"ruleId\" : \"AM-SIG-0001\""), "the event page shows what the agent sent: " + text(b, "pre.json"));
                shot(b, "event");

                // a computer: its page, and a scan queued from it
                go(b, b.findElement(By.linkText("Computers")));
                shot(b, "computers");
                go(b, b.findElement(By.linkText("web-01")));
                go(b, b.findElement(By.xpath("//button[normalize-space()='Scan now']")));
                assertTrue(text(b, ".info").contains("Queued scan-now"), text(b, "main"));
                assertTrue(text(b, "main").contains("waiting"), "the command is listed as waiting");
                // unrecognised software: approve it for this computer; the agent is given the decision at its heartbeat
                WebElement row = b.findElement(By.xpath("//table[@id='unrecognised']//tr[contains(., '/tmp/xmrig')]"));
                assertTrue(row.getText().contains("bob") && row.getText().contains("./xmrig --donate-level 1"), row.getText());
                go(b, row.findElement(By.xpath(".//button[normalize-space()='Approve']")));
                assertTrue(text(b, ".info").startsWith("Approval sent as command"), text(b, "main"));
                // the heartbeat carries the state of the integrity baseline and the executable inventory, as a running agent sends it
                Map<String, Long> moduleState = Map.of("integrity.baselineEntries", 48_213L, "integrity.lastPass", Instant.now().getEpochSecond(),
                        "integrity.lastPassFailed", 0L, "integrity.lastChanges", 3L, "integrity.paths", 3L,
                        "appcontrol.inventoryEntries", 2_817L, "appcontrol.packageMismatches", 1L, "appcontrol.approved", 0L, "appcontrol.blocked", 0L,
                        "logs.spooled", 5L);
                Messages.Command approval = agent.heartbeat(new Heartbeat("ok", List.of("appcontrol", "integrity"), 0, moduleState)).commands().stream()
                        .filter(c -> c.kind().equals("approve")).findFirst().orElseThrow();
                assertEquals(Map.of("sha256", XMRIG_SHA256), approval.arguments());
                agent.reportCommand(approval.id(), "done", "approved hash " + XMRIG_SHA256);
                b.navigate().refresh();
                assertTrue(text(b, "main").contains("done: approved hash " + XMRIG_SHA256), "the agent's answer is shown: " + text(b, "main"));
                assertTrue(text(b, "#integrity-state").contains("48,213"), text(b, "#integrity-state"));
                assertTrue(text(b, "#integrity-state").matches("(?s).*Changes found by it\\s+3.*"), text(b, "#integrity-state"));
                assertTrue(text(b, "#appcontrol-state").contains("2,817"), text(b, "#appcontrol-state"));
                shot(b, "computer");

                // policies: a policy under the root with a setting of its own, a refused value named, a rule assigned,
                // the computer moved under it, and the agent offered the new effective policy
                long revisionBefore = agent.heartbeat(new Heartbeat("ok", List.of("appcontrol"), 0, Map.of())).policyRevision();
                go(b, b.findElement(By.linkText("Policies")));
                assertTrue(text(b, "#policy-tree").contains("Base"), text(b, "main"));
                go(b, b.findElement(By.xpath("//table[@id='policy-tree']//a[normalize-space()='Base']")));
                b.findElement(By.id("p-name")).sendKeys("Web servers");
                go(b, b.findElement(By.xpath("//form[@id='new-policy']//button")));
                assertEquals("Web servers", text(b, "h1"));
                assertTrue(text(b, ".info").startsWith("Created Web servers"), text(b, "main"));
                new Select(b.findElement(By.id("v-antimalware.enabled"))).selectByValue("true");
                go(b, b.findElement(By.xpath("//tr[td/code='antimalware.enabled']//button[normalize-space()='Set here']")));
                String own = text(b, "//tr[td/code='antimalware.enabled']");
                assertTrue(own.contains("true") && own.contains("this policy"), own);
                assertTrue(text(b, "//tr[td/code='heartbeat.seconds']").contains("default"), "inherited values name their source");
                WebElement interval = b.findElement(By.id("v-integrity.intervalMinutes"));
                interval.clear();
                interval.sendKeys("0");
                go(b, b.findElement(By.xpath("//tr[td/code='integrity.intervalMinutes']//button[normalize-space()='Set here']")));
                assertTrue(text(b, ".problem").contains("integrity.intervalMinutes"), "the refusal names the setting: " + text(b, "main"));
                assertTrue(text(b, "//tr[td/code='integrity.intervalMinutes']").contains("60"), "the refused value is not kept");
                b.findElement(By.id("rule-key")).sendKeys("RC-CVE-2024-6387");
                go(b, b.findElement(By.xpath("//form[@id='assign-rule']//button")));
                assertTrue(text(b, "#assigned-rules").contains("RC-CVE-2024-6387"), text(b, "main"));
                b.findElement(By.id("rule-key")).sendKeys("NO-SUCH-RULE-1");
                go(b, b.findElement(By.xpath("//form[@id='assign-rule']//button")));
                assertTrue(text(b, ".problem").contains("no rule NO-SUCH-RULE-1"), text(b, "main"));
                shot(b, "policy");
                b.get(base + "/console/computers/" + agent.identity().agentId());
                new Select(b.findElement(By.id("c-policy"))).selectByVisibleText("Web servers");
                go(b, b.findElement(By.xpath("//form[@id='assign-policy']//button")));
                assertTrue(text(b, "//table[@id='effective-policy']//tr[td/code='antimalware.enabled']").contains("policy:Web servers"), text(b, "main"));
                Messages.HeartbeatResponse moved = agent.heartbeat(new Heartbeat("ok", List.of("appcontrol"), 0, Map.of()));
                assertTrue(moved.policyRevision() > revisionBefore, "the agent is told its policy changed");
                JsonNode envelope = JSON.readTree(agent.download("/api/agent/policy"));
                JsonNode effective = JSON.readTree(java.util.Base64.getDecoder().decode(envelope.get("policy").asText()));
                assertEquals("true", effective.get("settings").get("antimalware.enabled").asText());
                assertEquals("on", effective.get("settings").get("rules.RC-CVE-2024-6387").asText());
                b.get(base + "/console/rules/RC-CVE-2024-6387");
                assertTrue(text(b, "#rule-assignments").contains("Web servers"), "the rule page says where it is assigned");

                // author an organisation rule from a built-in one: a lint error at its line while typing, fixed,
                // the cases run, saved; the catalog has it as an organisation rule
                b.get(base + "/console/rules/AC-EXEC-0002");
                go(b, b.findElement(By.id("copy-rule")));
                WebElement drl = b.findElement(By.id("drl"));
                String good = drl.getAttribute("value");
                assertTrue(good.contains("@id(\"ORG-AC-EXEC-0002\")"), good);
                wait.until(ExpectedConditions.presenceOfElementLocated(By.id("lint-clean")));
                String[] lines = good.split("\n", -1);
                int broken = 0;
                for (int i = 0; i < lines.length && broken == 0; i++) {
                    if (lines[i].contains("inventoryStatus == \"unknown\" )")) {
                        broken = i + 1;
                        lines[i] = lines[i].replace("inventoryStatus == \"unknown\" )", "inventoryStatus == )");
                    }
                }
                assertTrue(broken > 0, good);
                type(b, "drl", String.join("\n", lines));
                WebElement problems = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("lint-problems")));
                assertTrue(problems.getText().contains("Line " + broken + ":"), "the problem is at line " + broken + ": " + problems.getText());
                shot(b, "rule-editor-lint");
                type(b, "drl", good);
                wait.until(ExpectedConditions.presenceOfElementLocated(By.id("lint-clean")));
                // a plain copy fires beside the original on the built-in cases' facts: the full check says so
                b.findElement(By.id("check-button")).click();
                new WebDriverWait(b, Duration.ofSeconds(90)).until(ExpectedConditions.presenceOfElementLocated(By.id("check-failed")));
                assertTrue(text(b, "#check").contains("built-in/appcontrol/exec.cases.yaml"), "the built-in case it breaks: " + text(b, "#check"));
                // what-if: replayed, the recent application-control event's facts make the plain copy fire as well
                b.findElement(By.id("whatif-button")).click();
                WebElement whatIf = new WebDriverWait(b, Duration.ofSeconds(90)).until(ExpectedConditions.presenceOfElementLocated(By.id("whatif-summary")));
                assertTrue(whatIf.getText().contains("through ORG-AC-EXEC-0002: it would fire on 1 more, still fires on 0, and no longer on 0."), whatIf.getText());
                assertTrue(text(b, "#whatif-hits").contains("/tmp/xmrig") && text(b, "#whatif-hits").contains("would fire: ORG-AC-EXEC-0002"),
                        text(b, "#whatif-hits"));
                // narrowed to what the organisation wants: unknown programs in /dev/shm are blocked even in detect mode
                type(b, "drl", good.replace("EnforcementMode( mode == \"block\", maintenance == false )", "EnforcementMode( mode == \"detect\" )")
                        .replace("ExecRequest( inventoryStatus == \"unknown\" )", "ExecRequest( inventoryStatus == \"unknown\", path str[startsWith] \"/dev/shm/\" )"));
                wait.until(ExpectedConditions.presenceOfElementLocated(By.id("lint-clean")));
                type(b, "cases", """
                        cases:
                          - name: an unknown program in /dev/shm is blocked even in detect mode
                            facts:
                              - EnforcementMode: {mode: detect, maintenance: false}
                              - ExecRequest: {path: /dev/shm/miner, sha256: bb, size: 1, uid: 1000, user: bob, pid: 11, inventoryStatus: unknown, timestamp: 1700000000000}
                            expect:
                              verdicts:
                                - {rule: AC-EXEC-0004, action: allow}
                                - {rule: ORG-AC-EXEC-0002, action: block}
                              findings:
                                - {rule: AC-EXEC-0004, severity: medium}
                                - {rule: ORG-AC-EXEC-0002, severity: high, evidence: {path: /dev/shm/miner, user: bob}}
                        """);
                b.findElement(By.id("check-button")).click();
                WebElement passed = new WebDriverWait(b, Duration.ofSeconds(90)).until(ExpectedConditions.presenceOfElementLocated(By.id("check-passed")));
                assertTrue(passed.getText().matches("Everything passes: 66 rules compiled, \\d+ cases passed\\."), passed.getText());
                b.findElement(By.id("whatif-button")).click();
                new WebDriverWait(b, Duration.ofSeconds(90)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("whatif-summary"),
                        "it would fire on 0 more"));
                shot(b, "rule-editor");
                go(b, b.findElement(By.xpath("//button[normalize-space()='Save']")));
                assertTrue(text(b, ".info").startsWith("Saved"), text(b, "main"));
                b.get(base + "/console/rules/ORG-AC-EXEC-0002");
                assertTrue(text(b, "main").contains("organisation"), "catalogued as an organisation rule: " + text(b, "main"));
                assertFalse(b.findElements(By.id("edit-rule")).isEmpty(), "an organisation rule can be edited");

                // a rule from a template form: a refused field is named at the field, then the generated rule opens in the editor
                b.get(base + "/console/rules");
                go(b, b.findElement(By.id("new-from-template")));
                type(b, "t-id", "vpn auth");
                type(b, "t-title", "OpenVPN authentication failed");
                new Select(b.findElement(By.id("t-severity"))).selectByValue("medium");
                type(b, "t-when-decoder", "openvpn");
                type(b, "t-when-action", "auth-failure, tls-error");
                type(b, "t-frequency-count", "5");
                type(b, "t-frequency-seconds", "60");
                new Select(b.findElement(By.id("t-frequency-same"))).selectByValue("srcIp");
                type(b, "t-message", "OpenVPN authentication failed for {user} from {srcIp}");
                go(b, b.findElement(By.xpath("//button[normalize-space()='Generate the rule']")));
                assertTrue(text(b, "#t-id-problem").contains("PREFIX-NAME-0001"), "the id's problem at the id: " + text(b, "main"));
                assertEquals("openvpn", b.findElement(By.id("t-when-decoder")).getAttribute("value"), "what was typed is kept");
                type(b, "t-id", "ORG-VPN-0001");
                go(b, b.findElement(By.xpath("//button[normalize-space()='Generate the rule']")));
                assertEquals("Rule editor", text(b, "h1"));
                assertEquals("custom/log/org-vpn-0001.drl", b.findElement(By.id("file")).getAttribute("value"));
                String generated = b.findElement(By.id("drl")).getAttribute("value");
                assertTrue(generated.contains("@id(\"ORG-VPN-0001\")") && generated.contains("action in (\"auth-failure\", \"tls-error\")")
                        && generated.contains("timestamp > $t - 60000"), generated);
                wait.until(ExpectedConditions.presenceOfElementLocated(By.id("lint-clean")));
                shot(b, "rule-from-template");

                // publish a knowledge base (htmx: the result replaces a panel, the button shows progress)
                go(b, b.findElement(By.linkText("Knowledge bases")));
                int before = b.findElements(By.cssSelector("#versions tbody tr")).size();
                b.findElement(By.xpath("//button[normalize-space()='Publish a new version']")).click();
                new WebDriverWait(b, Duration.ofSeconds(90)).until(ExpectedConditions.or(
                        ExpectedConditions.presenceOfElementLocated(By.id("published")),
                        ExpectedConditions.presenceOfElementLocated(By.cssSelector("#publish-result .problem"))));
                assertTrue(text(b, "#published").startsWith("Published version"), text(b, "#publish-result"));
                assertTrue(b.findElements(By.cssSelector("#publish-result .problem")).isEmpty(), "refused: " + text(b, "#publish-result"));
                Matcher published = Pattern.compile("Published version (\\d+): (\\d+) rules").matcher(text(b, "#published"));
                assertTrue(published.find(), text(b, "#published"));
                long version = Long.parseLong(published.group(1));
                assertEquals(66, Integer.parseInt(published.group(2)), "the built-in rules and the organisation's new one");
                b.navigate().refresh();
                assertEquals(before + 1, b.findElements(By.cssSelector("#versions tbody tr")).size());
                shot(b, "knowledge-bases");

                // the agent picks the new version up at its next heartbeat, and the console shows it running there
                long told = agent.heartbeat(new Heartbeat("ok", List.of("appcontrol"), 0, Map.of())).bundleVersion();
                assertEquals(version, told, "the manager offers the new version");
                byte[] bundle = agent.download("/api/agent/bundles/" + version);
                assertTrue(bundle.length > 0);
                agent.heartbeat(new Heartbeat("ok", List.of("appcontrol"), version, Map.of()));
                b.get(base + "/console/computers");
                assertTrue(text(b, "main").contains("v" + version), "the computer runs v" + version + ": " + text(b, "main"));
                b.get(base + "/console/knowledge-bases");
                assertTrue(text(b, "#versions tbody tr").endsWith("1"), "one computer runs the newest: " + text(b, "#versions tbody tr"));

                // the audit log: verify its chain in place
                go(b, b.findElement(By.linkText("Audit")));
                assertTrue(text(b, "main").contains("knowledge-base.publish"), "the publication is audited");
                b.findElement(By.id("verify")).click();
                wait.until(ExpectedConditions.presenceOfElementLocated(By.id("verified")));
                assertTrue(text(b, "#verified").startsWith("Intact"), text(b, "#verification"));
                shot(b, "audit");

                // administration: add a person, whose first password is shown once
                go(b, b.findElement(By.linkText("Administration")));
                b.findElement(By.id("u-name")).sendKeys("rory");
                new Select(b.findElement(By.id("u-role"))).selectByValue("rule-author");
                go(b, b.findElement(By.xpath("//button[normalize-space()='Add']")));
                assertEquals(20, text(b, "#new-password").length());
                shot(b, "users");

                // API keys: issued for a role and shown once; it opens the API until revoked
                go(b, b.findElement(By.linkText("API keys")));
                b.findElement(By.id("k-label")).sendKeys("SIEM export");
                new Select(b.findElement(By.id("k-role"))).selectByValue("auditor");
                go(b, b.findElement(By.xpath("//button[normalize-space()='Issue']")));
                String key = text(b, "#new-key");
                assertTrue(key.startsWith("bwk_"), key);
                assertEquals(200, m.call("GET", "/api/audit", key, null).statusCode());
                b.get(base + "/console/admin/api-keys");
                assertFalse(text(b, "main").contains(key), "the key is shown once only");
                go(b, b.findElement(By.xpath("//table[@id='api-keys']//tr[contains(., 'SIEM export')]//button")));
                assertEquals(401, m.call("GET", "/api/audit", key, null).statusCode(), "a revoked key is refused");
                assertTrue(text(b, "//table[@id='api-keys']//tr[contains(., 'SIEM export')]").contains("revoked"));
                shot(b, "api-keys");

                // enrolment tokens: one is used by a new computer, one withdrawn before use
                go(b, b.findElement(By.linkText("Enrolment tokens")));
                b.findElement(By.id("t-label")).sendKeys("rack 4");
                go(b, b.findElement(By.xpath("//button[normalize-space()='Issue']")));
                String rack4 = text(b, "#new-token");
                assertTrue(text(b, ".info").contains("bulwark-agent enroll " + base + " " + rack4), text(b, ".info"));
                ManagerClient.enroll(tmp.resolve("agent-2"), m.url(), rack4, "web-02", "test");
                b.get(base + "/console/admin/enrollment-tokens");
                b.findElement(By.id("t-label")).sendKeys("never used");
                go(b, b.findElement(By.xpath("//button[normalize-space()='Issue']")));
                String unused = text(b, "#new-token");
                b.get(base + "/console/admin/enrollment-tokens");
                go(b, b.findElement(By.xpath("//table[@id='tokens']//tr[contains(., 'never used')]//button")));
                assertTrue(text(b, "//table[@id='tokens']//tr[contains(., 'never used')]").contains("expired"), text(b, "#tokens"));
                assertTrue(text(b, "//table[@id='tokens']//tr[contains(., 'rack 4')]").contains("used by"), text(b, "#tokens"));
                try {
                    ManagerClient.enroll(tmp.resolve("agent-3"), m.url(), unused, "web-03", "test");
                    fail("a withdrawn token enrols nobody");
                } catch (java.io.IOException expected) {
                    // refused by the manager
                }
                shot(b, "enrollment-tokens");

                // syslog forwarding: pointed at a listener here, a test message arrives; a bad host is refused by name
                try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
                    listener.setSoTimeout(20_000);
                    go(b, b.findElement(By.linkText("Syslog forwarding")));
                    type(b, "s-host", "127.0.0.1");
                    type(b, "s-port", Integer.toString(listener.getLocalPort()));
                    if (b.findElement(By.id("s-tls")).isSelected()) {
                        b.findElement(By.id("s-tls")).click();
                    }
                    go(b, b.findElement(By.xpath("//form[@id='syslog-form']//button")));
                    assertEquals("Events now go to 127.0.0.1:" + listener.getLocalPort() + " over plain TCP.", text(b, ".info"));
                    go(b, b.findElement(By.xpath("//button[normalize-space()='Send a test message']")));
                    try (java.net.Socket in = listener.accept()) {
                        in.setSoTimeout(20_000);
                        String got = "";
                        byte[] buf = new byte[4096];
                        while (!got.contains("forwarding test sent by admin")) {
                            int n = in.getInputStream().read(buf);
                            assertTrue(n > 0, "the connection ended before the test message: " + got);
                            got += new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
                        }
                        assertTrue(got.matches("(?s)\\d+ <133>1 .*"), "an octet-counted RFC 5424 frame: " + got);
                        // and from now on every newly stored event goes there too, as CEF
                        agent.sendEvents(new EventBatch("logs", List.of(event(6, "LI-SSH-0001", "loginspection", "high",
                                "sshd: 5 failed logins for admin from 198.51.100.7"))));
                        while (!got.contains("198.51.100.7")) {
                            int n = in.getInputStream().read(buf);
                            assertTrue(n > 0, "the connection ended before the event: " + got);
                            got += new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
                        }
                        assertTrue(got.contains("CEF:0|Bulwark|"), "the event as CEF: " + got);
                    }
                    type(b, "s-host", "siem.example.com:514");
                    go(b, b.findElement(By.xpath("//form[@id='syslog-form']//button")));
                    assertTrue(text(b, ".problem").startsWith("a host name or an IP address"), text(b, "main"));
                    assertTrue(text(b, "#syslog-status").contains("127.0.0.1:" + listener.getLocalPort()), "the refused change leaves the destination");
                    shot(b, "syslog");
                    type(b, "s-host", "");
                    go(b, b.findElement(By.xpath("//form[@id='syslog-form']//button")));
                    assertEquals("Syslog forwarding is off.", text(b, ".info"));
                }

                // hostile query parameters: a readable refusal, nothing executed
                b.get(base + "/console/events?severity=%3Cscript%3Ealert(3)%3C/script%3E");
                assertEquals("Cannot do that", text(b, "h1"));
                assertTrue(text(b, ".problem").startsWith("severity "), "the refusal names the parameter: " + text(b, ".problem"));
                b.get(base + "/console/events?severity=loud&before=-1");
                assertTrue(text(b, ".problem").startsWith("severity is one of info, low"), text(b, ".problem"));
                b.get(base + "/console/rules?q=%3Cimg%20src%3Dx%20onerror%3Dalert(4)%3E");
                assertTrue(b.findElements(By.cssSelector("img[src='x']")).isEmpty());
                assertNoAlert(b);
                signOut(b);

                // the auditor reads and verifies, and may change nothing
                signIn(b, "audrey", auditorPassword);
                b.get(base + "/console/knowledge-bases");
                assertTrue(b.findElements(By.xpath("//button[normalize-space()='Publish a new version']")).isEmpty(), "no publish button");
                assertEquals(403, post(b, "/console/knowledge-bases"), "publishing is refused to an auditor");
                b.get(base + "/console/computers");
                go(b, b.findElement(By.linkText("web-01")));
                assertTrue(b.findElements(By.xpath("//button[normalize-space()='Scan now']")).isEmpty(), "no actions for an auditor");
                b.get(base + "/console/admin/users");
                assertEquals("Not allowed", text(b, "h1"));
                b.get(base + "/console/audit");
                assertTrue(text(b, "h1").startsWith("Audit log"));
                signOut(b);

                // the analyst queues commands but has no audit log and no administration
                signIn(b, "ana", analystPassword);
                assertTrue(b.findElements(By.linkText("Audit")).isEmpty());
                b.get(base + "/console/audit");
                assertEquals("Not allowed", text(b, "h1"));
                assertEquals(403, post(b, "/console/knowledge-bases"), "publishing is refused to an analyst");
                signOut(b);
            } finally {
                b.quit();
            }
        }
    }

    static void signIn(WebDriver b, String user, String password) {
        if (!b.getCurrentUrl().contains("/login")) {
            b.get(URI.create(b.getCurrentUrl()).resolve("/login").toString());
        }
        b.findElement(By.id("username")).sendKeys(user);
        b.findElement(By.id("password")).sendKeys(password);
        go(b, b.findElement(By.cssSelector("form button[type=submit]")));
    }

    /** Clicks something that loads a new page and waits until the old one is gone. */
    static void go(WebDriver b, WebElement target) {
        WebElement page = b.findElement(By.tagName("html"));
        target.click();
        new WebDriverWait(b, Duration.ofSeconds(20)).until(ExpectedConditions.stalenessOf(page));
    }

    /** Replaces a field's text as typing would (an input event), so htmx's checks run. */
    static void type(WebDriver b, String id, String value) {
        ((JavascriptExecutor) b).executeScript("""
                const el = document.getElementById(arguments[0]);
                el.value = arguments[1];
                el.dispatchEvent(new Event('input', {bubbles: true}));""", id, value);
    }

    static void signOut(WebDriver b) {
        go(b, b.findElement(By.xpath("//button[normalize-space()='Sign out']")));
        assertTrue(text(b, ".info").contains("signed out"));
    }

    /** The text of the first element a CSS selector (or, starting with {@code //}, an XPath) finds; fails naming the page when none. */
    static String text(WebDriver b, String css) {
        List<WebElement> found = b.findElements(css.startsWith("//") ? By.xpath(css) : By.cssSelector(css));
        if (found.isEmpty()) {
            String page = b.getPageSource();
            fail("no " + css + " on " + b.getCurrentUrl() + ": " + (page.length() > 3000 ? page.substring(0, 3000) : page));
        }
        return found.getFirst().getText();
    }

    static void shot(ChromeDriver b, String name) throws Exception {
        Files.write(SHOTS.resolve(name + ".png"), b.getScreenshotAs(OutputType.BYTES));
    }

    static void assertNoAlert(WebDriver b) {
        try {
            b.switchTo().alert();
            fail("a script from the data ran: an alert is open");
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }

    /** A POST from inside the page, with the page's CSRF token, as a crafted form would send it: the status the manager answers. */
    static int post(WebDriver b, String path) {
        Object status = ((JavascriptExecutor) b).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const token = document.querySelector('input[name=_csrf]').value;
                fetch(arguments[0], {method: 'POST', body: new URLSearchParams({_csrf: token}), redirect: 'manual'})
                  .then(r => done(r.status), e => done(-1));""", path);
        assertNotNull(status);
        return ((Number) status).intValue();
    }

    /** Fetches a link with the browser's session cookie (a download the headless browser would only save to disk). */
    static HttpResponse<String> withSession(WebDriver b, String href) throws Exception {
        String cookie = b.manage().getCookieNamed("JSESSIONID").getValue();
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(href)).header("Cookie", "JSESSIONID=" + cookie).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
