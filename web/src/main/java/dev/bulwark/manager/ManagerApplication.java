package dev.bulwark.manager;

import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The manager as a Spring Boot application: agents' protocol endpoints, the user API, the
 * database (H2 in a file by default, PostgreSQL with the {@code postgresql} profile) and the jobs
 * that watch heartbeats and apply retention. Started by {@code bulwark-manager serve}.
 */
@SpringBootApplication
@EnableScheduling
public class ManagerApplication {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
