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
import java.util.List;
import java.util.Map;

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
    /** The training record, beside the weights in an entry. */
    static final String RECORD = "training.json";

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
        Path weights = weightsOf(entry);
        if (!Files.isRegularFile(entry.resolve(RECORD)) || weights == null) {
            return new Lookup<>(null, null);
        }
        String damage = damage(entry, weights);
        if (damage != null) {
            return new Lookup<>(null, damage);
        }
        try {
            return new Lookup<>(Json.MAPPER.readValue(entry.resolve(RECORD).toFile(), type), null);
        } catch (IOException e) {
            return new Lookup<>(null, "its training record cannot be read (" + advbench.Errors.reason(e) + ")");
        }
    }

    /** The weights file of an entry: built-here parameters, or a fine-tuned TorchScript network; null if neither. */
    private static Path weightsOf(Path entry) {
        for (String name : List.of(BuiltWeights.NAME + "-0000.params", ScriptWeights.FILE)) {
            if (Files.isRegularFile(entry.resolve(name))) {
                return entry.resolve(name);
            }
        }
        return null;
    }

    /** Why an entry cannot be used (weights that do not match their checksum, a record that is not JSON), or null. */
    private static String damage(Path entry, Path weights) {
        try {
            Path checksum = entry.resolve(CHECKSUM);
            if (Files.isRegularFile(checksum) && !Files.readString(checksum).strip().equals(sha256(weights))) {
                return "its weights do not match their checksum";
            }
            Json.MAPPER.readTree(entry.resolve(RECORD).toFile());
            return null;
        } catch (IOException e) {
            return "its training record or checksum cannot be read (" + advbench.Errors.reason(e) + ")";
        }
    }

    /**
     * Removes an entry found damaged (or whose weights could not be loaded), so that the weights
     * trained anew replace it; without this, every later run would find the same damage and train
     * again. It is moved aside first, so no reader ever sees it half deleted.
     */
    public void discard(String key) {
        Path target = dir(key);
        try {
            Path aside = Files.createTempDirectory(root, key + ".damaged.");
            Files.delete(aside);
            Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(aside);
        } catch (java.nio.file.NoSuchFileException gone) {
            // another process moved it first
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the damaged model cache entry " + target, e);
        }
    }

    public void store(String key, Map<String, ?> inputs, Classifier model, Object trainingRecord) {
        Path tmp = null;
        try {
            Files.createDirectories(root);
            tmp = Files.createTempDirectory(root, key + ".");
            model.weights().save(tmp);
            Files.writeString(tmp.resolve(CHECKSUM), sha256(tmp.resolve(model.weights().fileName())) + "\n");
            Json.MAPPER.writeValue(tmp.resolve(RECORD).toFile(), trainingRecord);
            Json.MAPPER.writeValue(tmp.resolve("key.json").toFile(), Map.of("inputs", inputs, "training_code_version", TRAINING_CODE_VERSION));
            Path target = dir(key);
            if (Files.exists(target)) {
                Path weights = weightsOf(target);
                if (weights != null && Files.isRegularFile(target.resolve(CHECKSUM)) && damage(target, weights) == null) {
                    return; // a concurrent run (a sweep's other task) stored it meanwhile: the same inputs, the same weights
                }
                discard(key);
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
