package dev.bulwark.manager.exports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CefTest {
    @Test
    void headerAndExtensionEscapesKeepEveryFieldWhereItBelongs() {
        assertEquals("a\\|b\\\\c d", Cef.header("a|b\\c\nd"));
        assertEquals("k\\=v\\nx\\=1 \\\\", Cef.value("k=v\nx=1 \\"));
        assertEquals("a\\nb", Cef.value("a\r\nb"), "a CRLF is one line break");
        assertEquals("a\\rb", Cef.value("a\rb"));
        assertEquals(10, Cef.severity("critical"));
        assertEquals(1, Cef.severity("something else"));
    }
}
