package dev.bulwark.manager.agents;

import java.time.Instant;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

public interface AgentRepository extends JpaRepository<Agent, String> {
    List<Agent> findByActiveTrueAndHeartbeatMissedFalseAndHeartbeatDueBefore(Instant now);

    List<Agent> findAllByOrderByHostnameAsc();
}
