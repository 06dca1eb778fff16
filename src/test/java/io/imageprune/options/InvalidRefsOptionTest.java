package io.imageprune.options;

import io.imageprune.options.InvalidReferenceMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.imageprune.options.InvalidReferenceMode.CONTAIN;
import static io.imageprune.options.InvalidReferenceMode.IGNORE;
import static io.imageprune.options.InvalidReferenceMode.STOP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The one parser of the invalid-reference mode and of its combination with oc's boolean alias. */
class InvalidRefsOptionTest {
    @Test
    void exactlyTheThreeLowerCaseValues() {
        assertEquals(STOP, OptionValues.invalidRefs("m", "stop"));
        assertEquals(CONTAIN, OptionValues.invalidRefs("m", "contain"));
        assertEquals(IGNORE, OptionValues.invalidRefs("m", "ignore"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Stop", "CONTAIN", " ignore", "true", "contained"})
    void anythingElseIsRefusedNamingTheParameter(String value) {
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> OptionValues.invalidRefs("invalid-refs", value));
        assertEquals("invalid value for invalid-refs: \"" + value + "\" is not stop, contain or ignore",
                e.getMessage());
    }

    @Test
    void theAliasAloneOrAgreeingOrAbsent() {
        assertNull(OptionValues.invalidRefs("m", null, "a", null));
        assertEquals(IGNORE, OptionValues.invalidRefs("m", null, "a", true));
        assertEquals(STOP, OptionValues.invalidRefs("m", null, "a", false));
        assertEquals(IGNORE, OptionValues.invalidRefs("m", IGNORE, "a", true));
        assertEquals(STOP, OptionValues.invalidRefs("m", STOP, "a", false));
        assertEquals(CONTAIN, OptionValues.invalidRefs("m", CONTAIN, "a", false), "false only says: do not ignore");
        for (InvalidReferenceMode mode : InvalidReferenceMode.values()) {
            assertEquals(mode, OptionValues.invalidRefs("m", mode, "a", null));
        }
    }

    @Test
    void aContradictionIsRefusedNamingBoth() {
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> OptionValues.invalidRefs("invalid-refs", CONTAIN, "ignore-invalid-refs", true));
        assertEquals("ignore-invalid-refs", e.parameter());
        assertEquals("invalid value for ignore-invalid-refs: ignore-invalid-refs=true contradicts invalid-refs=contain "
                + "(ignore-invalid-refs is the old form of invalid-refs=ignore; give one of them)", e.getMessage());
        assertThrows(InvalidOptionException.class, () -> OptionValues.invalidRefs("m", STOP, "a", true));
        assertThrows(InvalidOptionException.class, () -> OptionValues.invalidRefs("m", IGNORE, "a", false));
    }
}
