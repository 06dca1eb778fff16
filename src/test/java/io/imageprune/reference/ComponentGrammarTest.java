package io.imageprune.reference;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one hand-written reading of the distribution grammar's path component, which repositories sent to the registry
 * and the references the planner parses both use, against the grammar written as a regular expression.
 */
class ComponentGrammarTest {
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*");
    private static final String ALPHABET = "ab09._-A/%:";

    @Test
    void agreesWithTheGrammarOnRandomStrings() {
        Random random = new Random(20261203);
        int accepted = 0;
        for (int n = 0; n < 200_000; n++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(9);
            for (int i = 0; i < length; i++) {
                s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String value = s.toString();
            boolean expected = COMPONENT.matcher(value).matches();
            assertEquals(expected, Identities.component(value, 0, value.length()), '"' + value + '"');
            accepted += expected ? 1 : 0;
        }
        assertTrue(accepted > 1_000, "enough valid components drawn to compare: " + accepted);
    }

    @Test
    void readsOnlyTheRangeItIsGiven() {
        assertTrue(Identities.component("%%a-b%%", 2, 5));
        assertEquals(false, Identities.component("%%a-b%%", 1, 5));
    }
}
