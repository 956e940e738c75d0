package dev.bulwark.agent.loginspection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/** Which file a path names right now: device and inode, so a rotation (rename + create) is seen. */
record FileIdentity(long device, long inode) {

    static FileIdentity of(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
        return new FileIdentity(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue());
    }
}
