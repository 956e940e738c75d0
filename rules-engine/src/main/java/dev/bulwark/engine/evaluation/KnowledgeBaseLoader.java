package dev.bulwark.engine.evaluation;

import dev.bulwark.engine.bundle.BundleManifest;
import dev.bulwark.engine.bundle.BundleRejectedException;
import dev.bulwark.engine.bundle.BundleRejectedException.Reason;
import dev.bulwark.engine.bundle.VerifiedBundle;
import dev.bulwark.engine.loginspection.ossec.OssecDecoderFile;
import dev.bulwark.engine.loginspection.ossec.OssecDecoders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.drools.core.impl.RuleBaseFactory;
import org.drools.model.Model;
import org.drools.modelcompiler.KieBaseBuilder;
import org.kie.api.KieBase;
import org.kie.api.KieBaseConfiguration;
import org.kie.api.conf.EventProcessingOption;

/**
 * Turns an executable-model KJAR into a knowledge base without a compiler: reads the model class
 * names from {@code META-INF/kie/drools-model}, defines the precompiled classes in a private class
 * loader, and builds with {@link KieBaseBuilder#createKieBaseFromModel}. {@code kmodule.xml} is
 * ignored on this path, so stream mode is set here.
 */
public final class KnowledgeBaseLoader {

    private static final String MODEL_DIR = "META-INF/kie/";
    private static final String MODEL_FILE_NAME = "drools-model";
    /** Where the executable model lists its model classes (also under a per-release folder of META-INF/kie/). */
    static final String MODEL_FILE = MODEL_DIR + MODEL_FILE_NAME;
    private static final String MODEL_VERSION_PREFIX = "Drools-Model-Version:";

    private KnowledgeBaseLoader() {
    }

    public static LoadedKnowledgeBase load(VerifiedBundle bundle) throws BundleRejectedException {
        return load(bundle.kjar(), bundle.manifest(), bundle.data());
    }

    /** {@link #load(byte[], BundleManifest, Map)} without data files. */
    public static LoadedKnowledgeBase load(byte[] kjar, BundleManifest manifest) throws BundleRejectedException {
        return load(kjar, manifest, Map.of());
    }

    /**
     * Loads a KJAR that is already trusted: one from a {@link VerifiedBundle}, or one this process
     * compiled itself. Never call it on bytes that have not been verified.
     */
    public static LoadedKnowledgeBase load(byte[] kjar, BundleManifest manifest, Map<String, byte[]> data) throws BundleRejectedException {
        OssecDecoders ossec = null;
        byte[] decoderFile = data.get(OssecDecoderFile.ENTRY);
        if (decoderFile != null) {
            try {
                ossec = OssecDecoderFile.read(decoderFile);
            } catch (IllegalArgumentException e) {
                throw new BundleRejectedException(Reason.UNLOADABLE, "data/" + OssecDecoderFile.ENTRY, e.getMessage());
            }
        }
        Map<String, byte[]> classes = new HashMap<>();
        String modelFile = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(kjar))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName();
                if (name.endsWith(".class")) {
                    classes.put(name.substring(0, name.length() - 6).replace('/', '.'), zip.readAllBytes());
                } else if (name.equals(MODEL_FILE) || (name.startsWith(MODEL_DIR) && name.endsWith("/" + MODEL_FILE_NAME))) {
                    modelFile = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            throw new BundleRejectedException(Reason.UNLOADABLE, BundleManifest.KJAR, "KJAR is not a readable jar: " + e.getMessage(), e);
        }
        if (modelFile == null) {
            throw new BundleRejectedException(Reason.UNLOADABLE, BundleManifest.KJAR,
                    MODEL_FILE + " is missing: the KJAR was not built with the executable model");
        }
        KjarClassLoader loader = new KjarClassLoader(classes, KnowledgeBaseLoader.class.getClassLoader());
        List<Model> models = new ArrayList<>();
        for (String line : modelFile.split("\n")) {
            String className = line.trim();
            if (className.isEmpty() || className.startsWith(MODEL_VERSION_PREFIX)) {
                continue;
            }
            if (!classes.containsKey(className)) {
                throw new BundleRejectedException(Reason.UNLOADABLE, BundleManifest.KJAR, "model class " + className + " is not in the KJAR");
            }
            try {
                models.add((Model) loader.loadClass(className).getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
                throw new BundleRejectedException(Reason.UNLOADABLE, BundleManifest.KJAR, "cannot instantiate model " + className + ": " + e, e);
            }
        }
        if (models.isEmpty()) {
            throw new BundleRejectedException(Reason.UNLOADABLE, BundleManifest.KJAR, "the KJAR declares no rule model");
        }
        KieBaseConfiguration conf = RuleBaseFactory.newKnowledgeBaseConfiguration(null, loader);
        conf.setOption(EventProcessingOption.STREAM);
        try {
            KieBase kieBase = KieBaseBuilder.createKieBaseFromModel(models, conf);
            return new LoadedKnowledgeBase(kieBase, manifest, ossec, data);
        } catch (RuntimeException | LinkageError e) {
            throw new BundleRejectedException(Reason.UNLOADABLE, BundleManifest.KJAR, "rules do not load on this runtime: " + e, e);
        }
    }

    /** Defines the KJAR's classes on demand; parent-first, so a KJAR cannot replace engine or JDK classes. */
    private static final class KjarClassLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        KjarClassLoader(Map<String, byte[]> classes, ClassLoader parent) {
            super("bulwark-kjar", parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
