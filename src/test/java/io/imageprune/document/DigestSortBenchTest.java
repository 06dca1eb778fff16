package io.imageprune.document;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The smoke form of the digest sort benchmark: it sorts both ways, checks they agree and prints both. */
class DigestSortBenchTest {
    @Test
    void bothSortsAreTimedOnTheSameDigests() {
        Random rnd = new Random(5);
        List<String> digests = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            byte[] bytes = new byte[32];
            rnd.nextBytes(bytes);
            digests.add("sha256:" + HexFormat.of().formatHex(bytes));
        }
        String figures = DigestSortBench.compare(digests, 3);
        assertTrue(figures.matches("(?s)5,000 digests, 3 rounds.*sorted as strings \\(before\\) +median [0-9.]+ ms.*"
                + "DigestSort +median [0-9.]+ ms.*per round: median [0-9.]+ .*"), figures);
    }
}
