package dev.bulwark.manager.security;

import dev.bulwark.manager.agents.AgentDirectory;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * The access rules. Agents: only {@code /api/agent/**}, by signature. People's API keys: reads for
 * every role, changes by the roles the endpoint names ({@code @PreAuthorize}), never the agent
 * protocol. CSRF protection stays on for everything a browser could send by itself.
 */
@Configuration
@EnableMethodSecurity
public class SecurityConfiguration {

    static final String[] READERS = {"ADMIN", "RULE_AUTHOR", "ANALYST", "AUDITOR"};

    @Bean
    SecurityFilterChain api(HttpSecurity http, AgentDirectory directory, ApiKeyRepository keys, AppUserRepository people, Clock clock) throws Exception {
        http.addFilterBefore(new SessionRecheck(people), AnonymousAuthenticationFilter.class);
        http.addFilterBefore(new AgentSignatureFilter(directory, clock), AnonymousAuthenticationFilter.class);
        http.addFilterBefore(new ApiKeyFilter(keys), AnonymousAuthenticationFilter.class);
        http.authorizeHttpRequests(a -> a
                .requestMatchers(HttpMethod.POST, "/api/agent/enroll").permitAll()
                .requestMatchers("/api/agent/**").hasRole("AGENT")
                .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                .requestMatchers(HttpMethod.GET, "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**").permitAll()
                .requestMatchers(HttpMethod.GET, "/api/session/csrf").permitAll()
                .requestMatchers(HttpMethod.POST, "/api/session").permitAll()
                .requestMatchers("/api/session", "/api/session/**").authenticated()
                .requestMatchers("/actuator/prometheus").hasAnyRole("ADMIN", "AUDITOR")
                .requestMatchers(HttpMethod.GET, "/api/**").hasAnyRole(READERS)
                .requestMatchers("/api/**").hasAnyRole("ADMIN", "RULE_AUTHOR", "ANALYST")
                .requestMatchers("/error").permitAll()
                .anyRequest().denyAll());
        http.csrf(c -> c.ignoringRequestMatchers("/api/agent/**")
                .ignoringRequestMatchers(r -> r.getHeader(ApiKeyFilter.HEADER) != null));
        // sessions only for people who sign in with a password (LoginController); API keys and agents stay stateless
        http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED).sessionFixation(f -> f.changeSessionId()));
        http.httpBasic(b -> b.disable());
        http.formLogin(f -> f.disable());
        http.exceptionHandling(e -> e
                .authenticationEntryPoint((req, resp, ex) -> AgentSignatureFilter.refuse(resp, 401, "unauthenticated",
                        "sign in: agents sign their calls, people send an API key in " + ApiKeyFilter.HEADER))
                .accessDeniedHandler((req, resp, ex) -> AgentSignatureFilter.refuse(resp, 403, "forbidden",
                        "your role may not do this")));
        return http.build();
    }

    @Bean
    AuthenticationManager authenticationManager(UserDetailsService users, PasswordEncoder encoder) {
        DaoAuthenticationProvider p = new DaoAuthenticationProvider(users);
        p.setPasswordEncoder(encoder);
        return new ProviderManager(p);
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService users(AppUserRepository users) {
        return name -> users.findById(name).filter(AppUser::enabled)
                .map(u -> User.withUsername(u.username()).password(u.passwordHash()).roles(u.role().name()).build())
                .orElseThrow(() -> new UsernameNotFoundException("no such user"));
    }
}
