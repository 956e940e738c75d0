package dev.bulwark.manager.protocol;

import java.nio.file.Path;
import java.util.Map;

/** The protocol contract on the default database: H2 in a file in the data folder. */
class AgentProtocolOnH2Test extends AgentProtocolContract {
    @Override
    Map<String, String> database(Path dataDir) {
        return Map.of();
    }
}
