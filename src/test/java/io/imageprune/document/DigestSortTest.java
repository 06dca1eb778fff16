package io.imageprune.document;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The digest sort gives the strings' natural order, on digests (keyed) and on anything else (as strings). */
class DigestSortTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void digestsComeInTheirNaturalOrder() {
        Random rnd = new Random(11);
        int keyedRunsSeen = 0;
        for (int round = 0; round < 300; round++) {
            List<String> digests = new ArrayList<>();
            int n = rnd.nextInt(2000);
            // a few shared leading parts, so that equal keys (and equal digests) occur and are ordered by the rest
            String[] sharedHeads = {hex(rnd, 9), hex(rnd, 12), hex(rnd, 4)};
            for (int i = 0; i < n; i++) {
                String digest = switch (rnd.nextInt(4)) {
                    case 0 -> sharedHeads[rnd.nextInt(3)];
                    case 1 -> "";
                    default -> hex(rnd, 64);
                };
                digest = "sha256:" + (digest + hex(rnd, 64)).substring(0, 64);
                digests.add(digest);
                if (rnd.nextInt(20) == 0) {
                    digests.add(digest);
                }
            }
            String[] expected = digests.toArray(String[]::new);
            Arrays.sort(expected);
            assertArrayEquals(expected, DigestSort.sorted(digests), "round " + round);
            keyedRunsSeen += equalKeyRuns(expected);
        }
        assertTrue(keyedRunsSeen > 100, "equal leading digits were ordered only " + keyedRunsSeen + " times");
    }

    @Test
    void anythingElseIsSortedAsStrings() {
        Random rnd = new Random(12);
        String[] oddOnes = {"sha512:" + hex(rnd, 128), "sha256:" + hex(rnd, 64).toUpperCase(), "sha256:abc", "",
                "sha256:", "image-name", "sha256:0123456789g" + hex(rnd, 50), "sha256:ffffffffff" + hex(rnd, 54)};
        for (String odd : oddOnes) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                values.add("sha256:" + hex(rnd, 64));
            }
            values.add(rnd.nextInt(values.size()), odd);
            String[] expected = values.toArray(String[]::new);
            Arrays.sort(expected);
            assertArrayEquals(expected, DigestSort.sorted(values), odd);
        }
    }

    @Test
    void theHighestDigitsStayAboveTheLowest() {
        List<String> values = List.of("sha256:" + "f".repeat(64), "sha256:" + "0".repeat(64),
                "sha256:" + "8".repeat(64), "sha256:" + "7".repeat(64), "sha256:" + "9".repeat(9) + "0".repeat(55));
        String[] expected = values.toArray(String[]::new);
        Arrays.sort(expected);
        assertArrayEquals(expected, DigestSort.sorted(values));
    }

    private static int equalKeyRuns(String[] sorted) {
        int runs = 0;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].regionMatches(0, sorted[i - 1], 0, 16) && !sorted[i].equals(sorted[i - 1])) {
                runs++;
            }
        }
        return runs;
    }

    private static String hex(Random rnd, int digits) {
        byte[] bytes = new byte[(digits + 1) / 2];
        rnd.nextBytes(bytes);
        return HEX.formatHex(bytes).substring(0, digits);
    }
}
