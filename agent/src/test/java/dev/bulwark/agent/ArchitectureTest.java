package dev.bulwark.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The agent knows no Spring and no rule compiler, and reaches the engine through its runtime side only. */
@AnalyzeClasses(packages = "dev.bulwark.agent", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule noSpringNoCompiler = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("org.springframework..", "org.apache.lucene..", "org.drools.compiler..", "org.drools.model.codegen..",
                    "org.drools.drl..", "org.drools.mvel..", "com.github.javaparser..", "org.eclipse.jdt..",
                    "dev.bulwark.engine.build..", "dev.bulwark.engine.policy..", "dev.bulwark.authoring..", "dev.bulwark.manager..");
}
