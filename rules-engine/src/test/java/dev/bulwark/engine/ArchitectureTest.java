package dev.bulwark.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The engine knows no front end: no Spring, no Lucene, no agent, manager or authoring code. And
 * its runtime side (everything an agent loads) knows no compiler: only {@code build} and
 * {@code policy} may touch the DRL parser and the Drools compiler.
 */
@AnalyzeClasses(packages = "dev.bulwark.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule noFrontEnds = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("org.springframework..", "org.apache.lucene..", "dev.bulwark.agent..",
                    "dev.bulwark.authoring..", "dev.bulwark.manager..", "jakarta.persistence..", "org.hibernate..");

    @ArchTest
    static final ArchRule runtimeKnowsNoCompiler = noClasses()
            .that().resideOutsideOfPackages("dev.bulwark.engine.build..", "dev.bulwark.engine.policy..")
            .should().dependOnClassesThat().resideInAnyPackage("org.drools.compiler..", "org.drools.model.codegen..",
                    "org.drools.drl..", "org.drools.mvel..", "com.github.javaparser..", "org.eclipse.jdt..",
                    "dev.bulwark.engine.build..", "dev.bulwark.engine.policy..");
}
