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
import dev.bulwark.agent.protocol.Messages.EventBatch;
import dev.bulwark.agent.protocol.Messages.Heartbeat;
import dev.bulwark.agent.protocol.Messages.SpooledEvent;
import dev.bulwark.agent.uplink.AgentIdentity;
import dev.bulwark.agent.uplink.ManagerClient;
import dev.bulwark.manager.protocol.RunningManager;
import java.io.StringReader;
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

    static final String XMRIG_SHA256 = "9f".repeat(32);

    /** What application control reports about an unknown program (rule AC-EXEC-0002's finding). */
    static SpooledEvent unrecognised(long seq, String path) {
        ObjectNode e = JSON.createObjectNode().put("kind", "finding").put("ruleId", "AC-EXEC-0002").put("module", "appcontrol")
                .put("severity", "high").put("message", "blocked unrecognised executable " + path + " run by bob");
        e.putObject("evidence").put("path", path).put("sha256", XMRIG_SHA256).put("user", "bob").put("parent", "/usr/bin/bash")
                .put("commandLine", "./xmrig --donate-level 1");
        return new SpooledEvent(seq, Instant.now().toString(), "high", e);
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
                    event(3, "AM-SIG-0001", "antimalware", "critical", "EICAR-Test-File in /tmp/eicar.com, quarantined"),
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
                Messages.Command approval = agent.heartbeat(new Heartbeat("ok", List.of("appcontrol"), 0, Map.of())).commands().stream()
                        .filter(c -> c.kind().equals("approve")).findFirst().orElseThrow();
                assertEquals(Map.of("sha256", XMRIG_SHA256), approval.arguments());
                agent.reportCommand(approval.id(), "done", "approved hash " + XMRIG_SHA256);
                b.navigate().refresh();
                assertTrue(text(b, "main").contains("done: approved hash " + XMRIG_SHA256), "the agent's answer is shown: " + text(b, "main"));
                shot(b, "computer");

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
                assertTrue(passed.getText().matches("Everything passes: 64 rules compiled, \\d+ cases passed\\."), passed.getText());
                shot(b, "rule-editor");
                go(b, b.findElement(By.xpath("//button[normalize-space()='Save']")));
                assertTrue(text(b, ".info").startsWith("Saved"), text(b, "main"));
                b.get(base + "/console/rules/ORG-AC-EXEC-0002");
                assertTrue(text(b, "main").contains("organisation"), "catalogued as an organisation rule: " + text(b, "main"));
                assertFalse(b.findElements(By.id("edit-rule")).isEmpty(), "an organisation rule can be edited");

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
                assertEquals(64, Integer.parseInt(published.group(2)), "the built-in rules and the organisation's new one");
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

    static String text(WebDriver b, String css) {
        List<WebElement> found = b.findElements(By.cssSelector(css));
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
