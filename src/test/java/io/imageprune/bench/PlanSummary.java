package io.imageprune.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line for {@code bench/plan-xlarge.sh}: how much a {@code plan -o json} document plans (the length of each of
 * its top-level arrays, its top-level numbers), read as a stream. {@code PlanSummary FILE}.
 */
public final class PlanSummary {
    private PlanSummary() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println("plan: " + summary(Path.of(args[0])));
    }

    static Map<String, Long> summary(Path file) throws IOException {
        Map<String, Long> summary = new LinkedHashMap<>();
        try (JsonParser parser = new JsonFactory().createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(file + " is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_ARRAY) {
                    long n = 0;
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        parser.skipChildren();
                        n++;
                    }
                    summary.put(name, n);
                } else if (value == JsonToken.VALUE_NUMBER_INT) {
                    summary.put(name, parser.getLongValue());
                } else {
                    parser.skipChildren();
                }
            }
        }
        return summary;
    }
}
