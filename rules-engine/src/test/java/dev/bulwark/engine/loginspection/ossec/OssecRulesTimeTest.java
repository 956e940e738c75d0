package dev.bulwark.engine.loginspection.ossec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** {@code <time>} and {@code <weekday>}: OSSEC's formats, its midnight-crossing ranges, and days in this host's zone. */
class OssecRulesTimeTest {

    private static long at(int day, int hour, int minute) {
        // 2026-11-23 is a Monday
        return LocalDateTime.of(2026, 11, 23 + day, hour, minute, 30).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    }

    @Test
    void timeRangesAreReadAsOssecReadsThem() {
        assertEquals(".08:3018:00", OssecRules.timeRange("8:30 am - 6 pm"));
        assertEquals(".09:0017:00", OssecRules.timeRange(" 09:00-17:00 "));
        assertEquals("!09:0017:00", OssecRules.timeRange("!9 - 17"));
        assertEquals("!08:3018:00", OssecRules.timeRange("6 pm - 8:30 am"), "past midnight: outside the day's range");
        assertEquals(".00:0012:00", OssecRules.timeRange("12 am - 12 pm"));
        for (String bad : new String[] {"6 pm", "25:00 - 26:00", "noon - 1 pm", "8:3 - 9", "1 pm - 13 pm"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OssecRules.timeRange(bad), bad);
            assertTrue(e.getMessage().contains("'"), e.getMessage());
        }
    }

    @Test
    void aTimeRangeHoldsItsEndsAndCrossesMidnight() {
        String night = OssecRules.timeRange("6 pm - 8:30 am");
        assertTrue(OssecRules.onTime(night, at(0, 22, 15)));
        assertTrue(OssecRules.onTime(night, at(0, 3, 0)));
        assertFalse(OssecRules.onTime(night, at(0, 12, 0)));
        assertFalse(OssecRules.onTime(night, at(0, 18, 0)), "18:00 is the day's end, as OSSEC compares minutes");
        assertTrue(OssecRules.onTime(night, at(0, 18, 1)));
        String office = OssecRules.timeRange("9:00 - 17:00");
        assertTrue(OssecRules.onTime(office, at(0, 9, 0)));
        assertTrue(OssecRules.onTime(office, at(0, 17, 0)));
        assertFalse(OssecRules.onTime(office, at(0, 17, 1)));
    }

    @Test
    void weekdaysByNameShortNameAndGroup() {
        assertEquals("1000001.", OssecRules.weekdays("weekends"));
        assertEquals("0111110.", OssecRules.weekdays("weekdays"));
        assertEquals("0100010.", OssecRules.weekdays("Monday, fri"));
        assertEquals("1000001!", OssecRules.weekdays("!sat sun"));
        assertThrows(IllegalArgumentException.class, () -> OssecRules.weekdays("mondays"));
        assertThrows(IllegalArgumentException.class, () -> OssecRules.weekdays(" , "));
        String weekend = OssecRules.weekdays("weekends");
        assertFalse(OssecRules.onDay(weekend, at(0, 12, 0)), "Monday");
        assertTrue(OssecRules.onDay(weekend, at(5, 12, 0)), "Saturday");
        assertTrue(OssecRules.onDay(weekend, at(6, 23, 59)), "Sunday");
        assertTrue(OssecRules.onDay(OssecRules.weekdays("!weekends"), at(2, 0, 0)), "Wednesday is not a weekend day");
    }
}
