package io.imageprune.service;

import io.imageprune.monitoring.MonitoringFiles;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every metric family docs/operations.md documents is on /q/metrics from the first scrape, before any activity. */
@QuarkusTest
class MetricFamiliesTest {
    @Test
    void everyDocumentedFamilyIsThereAtStart() throws Exception {
        Set<String> documented = documentedFamilies();
        assertTrue(documented.containsAll(Set.of("imageprune_state_records_total", "imageprune_audit_events_total",
                "imageprune_leader", "imageprune_api_denials_total")),
                "docs/operations.md names the families: " + documented);
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        List<String> missing = new ArrayList<>();
        for (String family : documented) {
            // a sample of the family: the name itself, or a timer's _count/_sum/_max
            Pattern sample = Pattern.compile("(?m)^" + Pattern.quote(family) + "(_count|_sum|_max|_bucket)?[{ ]");
            if (!sample.matcher(scrape).find()) {
                missing.add(family);
            }
        }
        assertEquals(List.of(), missing, "documented families missing from the first scrape");
    }

    @Test
    void everyMetricTheAlertsAndTheDashboardQueryIsOnTheFirstScrape() {
        Set<String> exported = MonitoringFiles.sampleNames(given().get("/q/metrics").then().statusCode(200).extract()
                .asString());
        Map<String, String> expressions = MonitoringFiles.expressions();
        assertTrue(expressions.size() > 20, "rules and panels read: " + expressions.keySet());
        List<String> unknown = new ArrayList<>();
        expressions.forEach((where, expr) -> {
            Set<String> names = MonitoringFiles.metricNames(expr);
            assertFalse(names.isEmpty(), where + " selects no metric: " + expr);
            names.stream().filter(name -> !exported.contains(name)).forEach(name -> unknown.add(where + ": " + name));
        });
        assertEquals(List.of(), unknown, "queried but not exported by the service");
    }

    /** The families docs/operations.md names: its metrics table, and any other section's. */
    private static Set<String> documentedFamilies() throws Exception {
        Set<String> families = new LinkedHashSet<>();
        Matcher name = Pattern.compile("`(imageprune_[a-z_]+)")
                .matcher(Files.readString(Path.of("docs/operations.md")));
        while (name.find()) {
            families.add(name.group(1));
        }
        return families;
    }
}
