package dev.bulwark.manager.policies;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface PolicyRepository extends JpaRepository<Policy, Long> {
    Optional<Policy> findByName(String name);

    List<Policy> findByParentId(Long parentId);

    List<Policy> findAllByOrderByIdAsc();
}
