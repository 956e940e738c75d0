package dev.bulwark.manager.audit;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

public interface AuditEntryRepository extends JpaRepository<AuditEntry, Long> {
    Optional<AuditEntry> findTopByOrderBySeqDesc();

    List<AuditEntry> findBySeqGreaterThanOrderBySeqAsc(long seq, Pageable page);

    List<AuditEntry> findAllByOrderBySeqDesc(Pageable page);
}
