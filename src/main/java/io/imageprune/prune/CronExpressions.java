package io.imageprune.prune;

import java.util.Locale;

/**
 * Schedules come as Kubernetes CronJob expressions (5 fields, e.g. the ImagePruner's {@code 0 0 * * *}) or as
 * quarkus-scheduler (Quartz) expressions with seconds. The scheduler takes Quartz, so 5-field ones are translated:
 * seconds 0, '?' for the unused day field, and days of week shifted from 0-6 (Sunday 0 or 7) to Quartz's 1-7.
 */
final class CronExpressions {
    private CronExpressions() {
    }

    /** @return the Quartz form, or null for "off" / empty (no schedule) */
    static String toQuartz(String expression) {
        String trimmed = expression == null ? "" : expression.trim();
        if (trimmed.isEmpty() || trimmed.equalsIgnoreCase("off") || trimmed.equalsIgnoreCase("disabled")) {
            return null;
        }
        String[] fields = trimmed.split("\\s+");
        if (fields.length != 5) {
            return trimmed;
        }
        String dayOfMonth = fields[2];
        String dayOfWeek = quartzDaysOfWeek(fields[4]);
        if (dayOfWeek.equals("*")) {
            dayOfWeek = "?";
        } else if (dayOfMonth.equals("*")) {
            dayOfMonth = "?";
        } else {
            throw new IllegalArgumentException("schedule \"" + trimmed
                    + "\": day of month and day of week together cannot be expressed for the scheduler");
        }
        return "0 " + fields[0] + " " + fields[1] + " " + dayOfMonth + " " + fields[3] + " " + dayOfWeek;
    }

    private static String quartzDaysOfWeek(String field) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < field.length()) {
            char c = field.charAt(i);
            if (Character.isDigit(c) && (i == 0 || field.charAt(i - 1) != '/')) {
                int start = i;
                while (i < field.length() && Character.isDigit(field.charAt(i))) {
                    i++;
                }
                int day = Integer.parseInt(field.substring(start, i));
                out.append(day % 7 + 1);
            } else {
                out.append(Character.toUpperCase(c));
                i++;
            }
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }
}
