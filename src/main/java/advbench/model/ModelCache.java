package advbench.model;

import advbench.Json;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Trained weights stored under a key derived from everything that determines them, so that an
 * experiment that changed only its attacks or plots reuses them. An entry is a folder
 * {@code <root>/<key>/} with the weights, their SHA-256, the training record and the key's inputs
 * (for humans); it is written under a temporary name and renamed whole, so a half-written entry
 * never counts, and weights that no longer match their checksum (a damaged disk, a truncated
 * copy) are not used.
 */
public final class ModelCache {
    /**
     * Part of every key. Bump it whenever a change to training code changes the weights it
     * produces; old entries are then simply never found again.
     */
    public static final int TRAINING_CODE_VERSION = 5;
    /** The weights' SHA-256, beside them in an entry. */
    static final String CHECKSUM = "weights.sha256";

    private final Path root;

    public ModelCache(Path root) {
        this.root = root;
    }

    /** {@code $BENCH_CACHE/models}, default {@code ~/.cache/bench/models}. */
    public static ModelCache fromEnvironment(Map<String, String> env) {
        String cache = env.get("BENCH_CACHE");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "bench");
        return new ModelCache(base.resolve("models"));
    }

    /** SHA-256 of the canonical JSON (keys sorted) of the inputs, plus the training code version. */
    public static String key(Map<String, ?> inputs) {
        try {
            String canonical = Json.MAPPER.writeValueAsString(Map.of("inputs", inputs, "training_code_version", TRAINING_CODE_VERSION));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The folder that holds every entry. */
    public Path root() {
        return root;
    }

    public Path dir(String key) {
        return root.resolve(key);
    }

    /** What a lookup found: an entry to use, nothing, or an entry that cannot be used and why. */
    public record Lookup<T>(T record, String damage) {
        public boolean found() {
            return record != null;
        }
    }

    /**
     * A cached entry's training record, if the entry exists and its weights still match the
     * checksum stored with them. Entries written before checksums were stored are taken as they
     * are (loading them is the check).
     */
    public <T> Lookup<T> lookup(String key, TypeReference<T> type) {
        Path entry = dir(key);
        Path record = entry.resolve("training.json");
        Path weights = entry.resolve(Classifier.WEIGHTS_NAME + "-0000.params");
        if (!Files.isRegularFile(weights)) {
            weights = entry.resolve(Classifier.TORCHSCRIPT_FILE); // a fine-tuned TorchScript network
        }
        if (!Files.isRegularFile(record) || !Files.isRegularFile(weights)) {
            return new Lookup<>(null, null);
        }
        try {
            Path checksum = entry.resolve(CHECKSUM);
            if (Files.isRegularFile(checksum) && !Files.readString(checksum).strip().equals(sha256(weights))) {
                return new Lookup<>(null, "its weights do not match their checksum");
            }
            return new Lookup<>(Json.MAPPER.readValue(record.toFile(), type), null);
        } catch (IOException e) {
            return new Lookup<>(null, "it cannot be read (" + e.getMessage() + ")");
        }
    }

    public void store(String key, Map<String, ?> inputs, Classifier model, Object trainingRecord) {
        Path tmp = null;
        try {
            Files.createDirectories(root);
            tmp = Files.createTempDirectory(root, key + ".");
            model.save(tmp);
            Files.writeString(tmp.resolve(CHECKSUM), sha256(tmp.resolve(model.weightsFileName())) + "\n");
            Json.MAPPER.writeValue(tmp.resolve("training.json").toFile(), trainingRecord);
            Json.MAPPER.writeValue(tmp.resolve("key.json").toFile(), Map.of("inputs", inputs, "training_code_version", TRAINING_CODE_VERSION));
            Path target = dir(key);
            if (Files.exists(target)) {
                if (intact(target)) {
                    return; // a concurrent run (a sweep's other task) stored it meanwhile: the same inputs, the same weights
                }
                // a damaged entry: move it out of the way first, so no reader ever sees it half deleted
                Path aside = Files.createTempDirectory(root, key + ".damaged.");
                Files.delete(aside);
                try {
                    Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
                    deleteTree(aside);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // another process moved it first
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // a concurrent run stored the same key meanwhile: the same inputs, the same weights
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model cache entry " + dir(key), e);
        } finally {
            if (tmp != null) {
                try {
                    deleteTree(tmp);
                } catch (IOException ignored) {
                    // a leftover temporary folder is never taken for an entry
                }
            }
        }
    }

    /** An entry whose weights match their stored checksum. */
    private static boolean intact(Path entry) {
        try {
            Path checksum = entry.resolve(CHECKSUM);
            try (var files = Files.list(entry)) {
                Path weights = files.filter(p -> p.getFileName().toString().endsWith(".params")
                        || p.getFileName().toString().equals(Classifier.TORCHSCRIPT_FILE)).findFirst().orElse(null);
                return weights != null && Files.isRegularFile(checksum) && Files.isRegularFile(entry.resolve("training.json"))
                        && Files.readString(checksum).strip().equals(sha256(weights));
            }
        } catch (IOException e) {
            return false;
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
