package io.imageprune.prune;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CronExpressionsTest {
    @Test
    void cronJobExpressionsBecomeQuartzWithSecondsAndAnUnusedDayField() {
        assertEquals("0 0 0 * * ?", CronExpressions.toQuartz("0 0 * * *"), "the ImagePruner's default: midnight");
        assertEquals("0 */5 * * * ?", CronExpressions.toQuartz("*/5 * * * *"));
        assertEquals("0 30 2 ? * 1", CronExpressions.toQuartz("30 2 * * 0"), "Sunday is 0 in cron, 1 in Quartz");
        assertEquals("0 30 2 ? * 1", CronExpressions.toQuartz("30 2 * * 7"), "and 7 in cron");
        assertEquals("0 0 3 ? * 2-6", CronExpressions.toQuartz("0 3 * * 1-5"));
        assertEquals("0 0 3 ? * MON,FRI", CronExpressions.toQuartz("0 3 * * mon,fri"));
        assertEquals("0 0 3 ? * 1/2", CronExpressions.toQuartz("0 3 * * 0/2"), "a step is not a day");
        assertEquals("0 0 3 15 * ?", CronExpressions.toQuartz("0 3 15 * *"));
    }

    @Test
    void quartzExpressionsPassAndOffMeansNone() {
        assertEquals("0 0 * * * ?", CronExpressions.toQuartz("0 0 * * * ?"));
        assertNull(CronExpressions.toQuartz("off"));
        assertNull(CronExpressions.toQuartz(""));
        assertNull(CronExpressions.toQuartz(null));
    }

    @Test
    void bothDayFieldsCannotBeTranslated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CronExpressions.toQuartz("0 3 1 * 1"));
        assertEquals("schedule \"0 3 1 * 1\": day of month and day of week together cannot be expressed for the "
                + "scheduler", e.getMessage());
    }
}
