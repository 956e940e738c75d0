package dev.bulwark.manager.agents;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;

public interface EnrollmentTokenRepository extends JpaRepository<EnrollmentToken, Long> {
    /** Locked, so two enrolments racing with one token cannot both use it. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    Optional<EnrollmentToken> findByTokenHash(String tokenHash);
}
