package io.imageprune.cli;

/** Byte counts for people: binary units with one decimal, plus the exact count. */
final class Bytes {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Bytes() {
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format("%.1f %s (%,d bytes)", value, UNITS[unit], bytes);
    }
}
