package io.imageprune.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import io.imageprune.testkit.TestTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alerts of {@code k8s/monitoring/prometheusrule.yaml}: valid for Prometheus ({@code promtool check rules}), each
 * firing and not firing as its unit test says ({@code promtool test rules}, Debian's {@code prometheus} package
 * installed when missing), each with a runbook section.
 */
class AlertRulesTest {
    private static final Path UNIT_TESTS = Path.of("src/test/resources/monitoring/imageprune-rules-test.yaml");
    /** The name the unit tests' {@code rule_files} give the PrometheusRule's spec. */
    private static final String RULE_FILE = "imageprune-rules.yaml";

    @TempDir
    static Path work;
    private static Path promtool;

    @BeforeAll
    static void writeRuleFile() throws IOException {
        promtool = TestTools.require("promtool", "prometheus", "promtool validates and unit-tests the alerts");
        MonitoringFiles.YAML.writeValue(work.resolve(RULE_FILE).toFile(), MonitoringFiles.ruleSpec());
        Files.copy(UNIT_TESTS, work.resolve(UNIT_TESTS.getFileName()));
    }

    @Test
    void prometheusAcceptsTheRules() throws Exception {
        String out = promtool("check", "rules", RULE_FILE);
        int rules = 0;
        for (JsonNode group : MonitoringFiles.ruleSpec().get("groups")) {
            rules += group.get("rules").size();
        }
        assertTrue(out.contains("SUCCESS: " + rules + " rules found"), out);
    }

    @Test
    void everyAlertFiresAndStaysQuietAsItsUnitTestsSay() throws Exception {
        String out = promtool("test", "rules", UNIT_TESTS.getFileName().toString());
        assertTrue(out.contains("SUCCESS"), out);
    }

    @Test
    void everyAlertHasAUnitTestWhereItFiresAndOneWhereItDoesNot() {
        Set<String> firing = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        JsonNode tests = MonitoringFiles.read(MonitoringFiles.YAML, UNIT_TESTS);
        for (JsonNode test : tests.get("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                String alert = check.get("alertname").asText();
                (check.path("exp_alerts").isEmpty() ? quiet : firing).add(alert);
            }
        }
        List<String> untested = new ArrayList<>();
        for (String alert : MonitoringFiles.alerts().keySet()) {
            if (!firing.contains(alert) || !quiet.contains(alert)) {
                untested.add(alert + (firing.contains(alert) ? " (never quiet)" : " (never firing)"));
            }
        }
        assertEquals(List.of(), untested);
        assertEquals(8, MonitoringFiles.alerts().size(), "the alerts issue 13 asks for: " + MonitoringFiles.alerts()
                .keySet());
    }

    @Test
    void everyAlertLinksItsOwnRunbookSectionAndEverySectionIsAnAlerts() {
        Map<String, JsonNode> alerts = MonitoringFiles.alerts();
        List<String> sections = MonitoringFiles.runbookSections();
        for (Map.Entry<String, JsonNode> alert : alerts.entrySet()) {
            assertTrue(sections.contains(alert.getKey()), "no section \"## " + alert.getKey() + "\" in "
                    + MonitoringFiles.RUNBOOK);
            // GitHub's and most renderers' anchor of a heading without spaces: its lower-case text
            assertEquals(MonitoringFiles.RUNBOOK + "#" + alert.getKey().toLowerCase(),
                    alert.getValue().path("annotations").path("runbook_url").asText(), alert.getKey());
            assertTrue(alert.getValue().path("labels").path("severity").asText().matches("warning|critical"),
                    alert.getKey() + " severity");
        }
        assertEquals(List.copyOf(alerts.keySet()), sections, "the runbook's sections are the alerts, in order");
    }

    @Test
    void metricNamesAreReadFromPromQlWithoutFunctionsLabelsOrDurations() {
        assertEquals(Set.of("a_total", "b", "c_bucket"), MonitoringFiles.metricNames(
                "sum by (namespace, gate) (increase(a_total{job=\"x\",gate!~\"in(x)|by\"}[1h])) > 0.5"
                        + " and on(pod) b offset 1d / ignoring(le) histogram_quantile(0.9, rate(c_bucket[$__rate_interval]))"
                        + " or vector(1)"));
        assertEquals(Set.of("up"), MonitoringFiles.metricNames("absent(up{job=\"imageprune\"}) or up == bool 1"));
    }

    private static String promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "promtool", ".out");
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "promtool " + String.join(" ", args) + " timed out");
        String output = Files.readString(out);
        assertEquals(0, process.exitValue(), "promtool " + String.join(" ", args) + ":\n" + output);
        return output;
    }
}
