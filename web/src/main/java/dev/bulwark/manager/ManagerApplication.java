package dev.bulwark.manager;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
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

    /** The OpenAPI description ({@code /v3/api-docs}) with the two ways in: API keys for people, signatures for agents. */
    @Bean
    OpenAPI openApi() {
        return new OpenAPI()
                .info(new Info().title("Bulwark manager API").version("0.1.0").license(new License().name("Apache-2.0"))
                        .description("People and scripts: send an API key in X-Bulwark-Api-Key; its role (admin, rule author, analyst,"
                                + " auditor) decides what is allowed. Agents: /api/agent/** only, each call signed with the agent's Ed25519"
                                + " key (headers Bulwark-Agent, Bulwark-Time, Bulwark-Nonce, Bulwark-Signature). Refusals are"
                                + " {\"code\", \"message\", \"field\"}."))
                .components(new Components().addSecuritySchemes("apiKey",
                        new SecurityScheme().type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name("X-Bulwark-Api-Key")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }
}
