package io.imageprune.service;

import io.imageprune.referrers.ReferrerKindSpec;
import io.imageprune.referrers.ReferrersConfig;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gauges of issue 12's holders are on the first scrape: one series per built-in custom kind, the ephemeral
 * containers and spec tags, and the three kinds an admin can protect by annotation.
 */
@QuarkusTest
class HolderFamiliesTest {
    @Test
    void everyHolderAndProtectionSeriesIsThereAtStart() {
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        List<String> expected = new ArrayList<>();
        List<String> kinds = ReferrersConfig.DEFAULT.kinds().stream().map(ReferrerKindSpec::kind).distinct().toList();
        assertTrue(kinds.contains("Rollout") && kinds.contains("MachineOSBuild"), kinds.toString());
        kinds.forEach(kind -> expected.add("imageprune_holders{kind=\"" + kind + "\",source=\"custom-resource\"}"));
        expected.add("imageprune_holders{kind=\"Pod\",source=\"ephemeral-containers\"}");
        expected.add("imageprune_holders{kind=\"ImageStream\",source=\"spec-tags\"}");
        for (String kind : List.of("Image", "ImageStream", "Namespace")) {
            expected.add("imageprune_protected{kind=\"" + kind + "\"}");
        }
        List<String> missing = new ArrayList<>();
        for (String series : expected) {
            if (!Pattern.compile("(?m)^" + Pattern.quote(series) + " ").matcher(scrape).find()) {
                missing.add(series);
            }
        }
        assertEquals(List.of(), missing, "series missing from the first scrape");
    }
}
