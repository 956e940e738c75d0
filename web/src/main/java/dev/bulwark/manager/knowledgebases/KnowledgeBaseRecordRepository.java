package dev.bulwark.manager.knowledgebases;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface KnowledgeBaseRecordRepository extends JpaRepository<KnowledgeBaseRecord, Long> {
    Optional<KnowledgeBaseRecord> findTopByOrderByVersionDesc();

    List<KnowledgeBaseRecord> findAllByOrderByVersionDesc();
}
