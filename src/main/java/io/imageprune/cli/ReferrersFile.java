package io.imageprune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.imageprune.referrers.ReferrersConfig;
import io.imageprune.referrers.ReferrersConfig.InvalidReferrersException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The file of {@code plan --referrers FILE}: YAML (or JSON) read here, at the edge, then parsed strictly by
 * {@link ReferrersConfig#fromMap}. Reading it here keeps {@code referrers} free of Jackson, like the rest of the
 * decision core.
 */
final class ReferrersFile {
    private ReferrersFile() {
    }

    /** An empty file means the defaults (the built-in kinds). */
    static ReferrersConfig read(Path file) {
        Object document;
        try {
            document = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
        } catch (IOException e) {
            throw new InvalidReferrersException("cannot read referrers file " + file + ": " + e.getMessage());
        }
        if (document == null) {
            return ReferrersConfig.DEFAULT;
        }
        return ReferrersConfig.fromMap(file.toString(), document);
    }
}
