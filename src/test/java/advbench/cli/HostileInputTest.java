package advbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import advbench.data.IdxReader;
import advbench.data.SyntheticIdx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad and hostile input, through the real command line, one class of failure after another: the
 * experiment file at every level, numbers that are not finite or absurd, run names that would
 * escape the results folder, data the models cannot take, damaged and hostile IDX files, output
 * folders that cannot be written, saved files that are not what they claim. Every case must end
 * with its exit code (2: the input is wrong) and one line on stderr that names the file or field,
 * no stack trace, and nothing under the results folder. This class runs the cases refused before
 * any data is read (the fast tier); {@link HostileInputIT} runs those that need MNIST or a
 * finished run.
 */
class HostileInputTest {
    /** A small valid experiment on MNIST; cases replace one piece of it. */
    static final String BASE = """
            name: hostile
            seed: 1
            dataset: {name: mnist, train_subset: 300, test_subset: 50}
            model: {architecture: mlp, epochs: 1, batch_size: 32}
            attacks: [{type: fgsm}]
            epsilons: [0.0, 0.1]
            """;

    /** The same on four IDX files in data/ (written by the case), with the architecture given. */
    static final String FILES = """
            name: hostile-files
            seed: 1
            dataset:
              files: {train_images: data/train-images.gz, train_labels: data/train-labels.gz,
                      test_images: data/test-images.gz, test_labels: data/test-labels.gz}
            model: {architecture: small-cnn, epochs: 1, batch_size: 32}
            attacks: [{type: fgsm}]
            epsilons: [0.0, 0.1]
            """;

    @TempDir
    Path tmp;

    /** Prepares a case's files in its folder and returns the command's arguments. */
    interface Setup {
        List<String> args(Path dir) throws IOException;
    }

    /**
     * @param expected how stderr's one line starts after "error: ", with FILE standing for the
     *     case's experiment file (or other file) and DIR for its folder
     */
    record Case(String name, Setup setup, String expected) {
        @Override
        public String toString() {
            return name;
        }

        /** Whether the case needs real MNIST (what only the data can tell) or a finished run: the integration tier's. */
        boolean needsRealData() {
            return REAL_DATA.contains(name);
        }
    }

    /** The cases that load MNIST or copy a finished run; every other case is refused before any data is read. */
    static final java.util.Set<String> REAL_DATA = java.util.Set.of(
            "--set a target class the data lacks",
            "a PNG of 9,216 megapixels",
            "reference -o onto a device",
            "subset larger than the data",
            "hold-out as large as the training set",
            "target class the data lacks",
            "L2 budget beyond any image pair",
            "a state_dict checkpoint",
            "random bytes as a model",
            "an empty model file",
            "a colour model on grey data",
            "three means for grey images",
            "the defended model of a run without defence",
            "a run whose weights changed",
            "figures --out is a file",
            "reference -o is a folder",
            "metrics.json with a text accuracy (verify)",
            "metrics.json with a text accuracy (figures)",
            "metrics.json of something else (verify)",
            "an attack without points (figures)",
            "examples.json whose sizes do not add up",
            "an interrupted run (verify)",
            "an interrupted run (figures)",
            "predictions.csv with a cell that is no class");

    static Case yaml(String name, String from, String to, String expected) {
        return new Case(name, dir -> run(dir, BASE.replace(from, to)), expected);
    }

    static List<String> run(Path dir, String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("exp.yaml"), yaml);
        return new ArrayList<>(List.of("run", file.toString(), "--results-dir", dir.resolve("results").toString()));
    }

    static Stream<Case> cases() {
        return Stream.of(
                // run names that would escape the results folder, or not be a folder at all
                yaml("name .", "name: hostile", "name: \".\"", "FILE:1: name: use letters, digits"),
                yaml("name ..", "name: hostile", "name: \"..\"", "FILE:1: name: use letters, digits"),
                yaml("name ../x", "name: hostile", "name: ../x", "FILE:1: name: use letters, digits"),
                yaml("name empty", "name: hostile", "name: \"\"", "FILE:1: name: use letters, digits"),
                yaml("name of 300 characters", "name: hostile", "name: " + "n".repeat(300), "FILE:1: name: must be at most 100 characters"),
                // numbers that are not finite, do not fit, or are absurd
                yaml("learning rate 1e999", "batch_size: 32}", "batch_size: 32, learning_rate: 1e999}",
                        "FILE:4: model.learning_rate: must be a finite number, got 1e999"),
                yaml("learning rate .inf", "batch_size: 32}", "batch_size: 32, learning_rate: .inf}",
                        "FILE:4: model.learning_rate: must be a finite number, got .inf"),
                yaml("epsilon .nan", "epsilons: [0.0, 0.1]", "epsilons: [0.0, .nan]", "FILE:6: epsilons[1]: must be a finite number"),
                yaml("epsilon -.inf", "epsilons: [0.0, 0.1]", "epsilons: [0.0, -.inf]", "FILE:6: epsilons[1]: must be a finite number"),
                yaml("epochs beyond int", "epochs: 1,", "epochs: 99999999999,", "FILE:4: model.epochs: must be a whole number below"),
                yaml("10^8 epochs", "epochs: 1,", "epochs: 100000000,", "FILE:4: model.epochs: must be at most 10000"),
                yaml("batch of a million", "batch_size: 32}", "batch_size: 1000000}", "FILE:4: model.batch_size: must be at most 100000"),
                yaml("pgd step 1e999", "[{type: fgsm}]", "[{type: pgd, step_size: 1e999}]", "FILE:5: attacks[0].step_size: must be a finite number"),
                yaml("pgd 10^6 steps", "[{type: fgsm}]", "[{type: pgd, steps: 1000000}]", "FILE:5: attacks[0].steps: pgd steps must be at least 1 and at most"),
                yaml("mi-fgsm decay 1e999", "[{type: fgsm}]", "[{type: mi-fgsm, decay: 1e999}]", "FILE:5: attacks[0].decay: must be a finite number"),
                yaml("trades beta .inf", "attacks:", "defence: {method: trades, epsilon: 0.3, beta: .inf}\nattacks:",
                        "FILE:5: defence.beta: must be a finite number"),
                yaml("evaluation threads 5000", "epsilons: [0.0, 0.1]", "epsilons: [0.0, 0.1]\nevaluation: {threads: 5000}",
                        "FILE:7: evaluation.threads: must be at most 1024"),
                // the file at every level
                yaml("unknown top-level field", "seed: 1", "seed: 1\ncolour: red", "FILE:3: colour: unknown field 'colour'"),
                yaml("seed not a number", "seed: 1", "seed: one", "FILE:2: seed: expected a whole number"),
                yaml("duplicate key", "seed: 1", "seed: 1\nseed: 2", "FILE:3: not valid YAML: Duplicate field 'seed'"),
                yaml("attacks not a list", "attacks: [{type: fgsm}]", "attacks: fgsm", "FILE:5: attacks: expected a list"),
                yaml("unknown attack", "[{type: fgsm}]", "[{type: carlini}]", "FILE:5: attacks[0]: unknown attack type 'carlini'"),
                yaml("target class -1", "[{type: fgsm}]", "[{type: pgd, target: -1}]", "FILE:5: attacks[0].target: pgd target class must be 0 or more"),
                yaml("figure format gif", "epsilons: [0.0, 0.1]", "epsilons: [0.0, 0.1]\noutputs: {formats: [gif]}",
                        "FILE:7: outputs.formats[0]: unknown format 'gif'"),
                new Case("empty file", dir -> run(dir, ""), "FILE:1: the file is empty"),
                new Case("a list, not an experiment", dir -> run(dir, "- 1\n- 2\n"), "FILE:1: expected a mapping of fields"),
                new Case("binary garbage", dir -> {
                    Path file = Files.write(dir.resolve("exp.yaml"), new byte[] {0, (byte) 0xff, 3, 4, (byte) 0xfe, 0x1b});
                    return List.of("run", file.toString(), "--results-dir", dir.resolve("results").toString());
                }, "FILE: not a text file (not valid UTF-8)"),
                new Case("no such file", dir -> List.of("run", dir.resolve("nope.yaml").toString(), "--results-dir",
                        dir.resolve("results").toString()), "DIR/nope.yaml: no such experiment file"),
                new Case("an experiment file of 2 MB", dir -> run(dir, BASE + "# " + "x".repeat(2 << 20) + "\n"),
                        "FILE: 2097335 bytes; an experiment file is a few kilobytes (at most 1 MiB)"),
                new Case("the experiment is a folder", dir -> List.of("run", dir.toString(), "--results-dir", dir.resolve("results").toString()),
                        "DIR: cannot be read"),
                // command-line overrides meet the file's bounds; options that would never end or never fit
                new Case("--threads beyond the bound", dir -> {
                    List<String> a = run(dir, BASE);
                    a.addAll(List.of("--threads", "5000"));
                    return a;
                }, "--threads must be at most 1024, got 5000"),
                new Case("--batch-size beyond the bound", dir -> {
                    List<String> a = run(dir, BASE);
                    a.addAll(List.of("--batch-size", "10000000"));
                    return a;
                }, "--batch-size must be at most 100000"),
                new Case("benchmark --min-seconds infinite", dir -> List.of("benchmark", "--min-seconds", "1e999", "--results-dir",
                        dir.resolve("results").toString()), "--min-seconds must be between 0 and 600, got Infinity"),
                new Case("a PNG of 9,216 megapixels", dir -> List.of("figures", finishedRun(dir).toString(), "--out", dir.resolve("figs").toString(),
                        "--width", "40in", "--height", "40in", "--dpi", "2400", "--format", "png"),
                        "--dpi, --width, --height: a PNG of 96,000 x 96,000 pixels is more than 50 megapixels"),
                new Case("reference -o onto a device", dir -> List.of("reference", finishedRun(dir).toString(), "-o", "/dev/null"),
                        "-o: /dev/null is not a regular file"),
                // a value set on the command line and found wrong only later is named as the --set, not as a line
                new Case("--set a model file that does not exist", dir -> {
                    List<String> a = run(dir, BASE.replace("{architecture: mlp, epochs: 1, batch_size: 32}", "{file: m.pt}"));
                    a.addAll(List.of("--set", "model.file=nothing.pt"));
                    return a;
                }, "--set model.file=nothing.pt: model.file: DIR/nothing.pt does not exist"),
                new Case("--set a target class the data lacks", dir -> {
                    List<String> a = run(dir, BASE.replace("[{type: fgsm}]", "[{type: pgd, steps: 2}]"));
                    a.addAll(List.of("--set", "attacks[0].target=12"));
                    return a;
                }, "--set attacks[0].target=12: attacks[0].target: class 12 is not a class of the data, which has 10 (0-9)"),
                // what only the data can tell, still before any work
                yaml("subset larger than the data", "train_subset: 300", "train_subset: 70000",
                        "FILE:3: dataset.train_subset: 70000 is more than the 60000 training images"),
                yaml("hold-out as large as the training set", "attacks:", "defence: {method: pgd, epsilon: 0.3, holdout: 300}\nattacks:",
                        "FILE:5: defence.holdout: 300 would leave no training images"),
                yaml("target class the data lacks", "[{type: fgsm}]", "[{type: pgd, target: 12}]",
                        "FILE:5: attacks[0].target: class 12 is not a class of the data, which has 10 (0-9)"),
                yaml("L2 budget beyond any image pair", "[{type: fgsm}]", "[{type: pgd, norm: l2, epsilons: [0.0, 40.0]}]",
                        "FILE:5: attacks[0].epsilons[1]: 40.0 is more than 28"),
                // a user's own model: files that are not models, models that do not fit the data, runs that are not runs
                own("model file missing", null, "{file: nothing.pt}", "FILE:4: model.file: DIR/nothing.pt does not exist"),
                own("model file is a folder", null, "{file: .}", "is a folder, not a TorchScript file"),
                own("a state_dict checkpoint", "checkpoint.pt", "{file: m.pt}", "FILE:4: model.file: m.pt is a PyTorch checkpoint (torch.save), not a TorchScript model"),
                own("random bytes as a model", "noise", "{file: m.pt}", "FILE:4: model.file: m.pt is not a TorchScript model"),
                own("an empty model file", "empty", "{file: m.pt}", "FILE:4: model.file: m.pt is not a TorchScript model"),
                own("a colour model on grey data", "colour-bn-dropout.pt", "{file: m.pt}", "FILE:4: model.file: m.pt cannot take 1x28x28 images (channels x height x width): Given groups=1"),
                ownIdx("a model returning a tuple", "tuple-output.pt", 1, 8, 3, "model.file: m.pt returns 2 tensors"),
                ownIdx("a model traced with dropout on", "traced-dropout.pt", 1, 8, 3, "model.file: m.pt gives different outputs for the same images twice"),
                ownIdx("a model traced with batch norm in training mode", "traced-batchnorm.pt", 1, 8, 3, "model.file: m.pt"),
                ownIdx("a model with 10 outputs on 4 classes", "colour-bn-dropout.pt", 3, 32, 4, "model.file: m.pt gives 10 outputs per image, but the data has 4 classes"),
                transferIdx("a transfer source with 10 outputs on 4 classes", "colour-bn-dropout.pt", 3, 32, 4,
                        "attacks[1].source: the transfer source gives 10 outputs per image, but the data has 4 classes"),
                transferIdx("a transfer source for colour images on grey ones", "colour-bn-dropout.pt", 1, 28, 10,
                        "attacks[1].source: the transfer source cannot take 1x28x28 images"),
                yaml("a transfer source file that is missing", "attacks: [{type: fgsm}]", "attacks: [{type: fgsm}, {type: pgd, source: {file: none.pt}}]",
                        "FILE:5: attacks[1].source.file: DIR/none.pt does not exist"),
                yaml("BPDA on a model without transformation", "attacks: [{type: fgsm}]", "attacks: [{type: pgd, bpda: identity}]",
                        "FILE:5: attacks[0].bpda: the model has no input transformation"),
                yaml("a targeted HopSkipJump", "attacks: [{type: fgsm}]", "attacks: [{type: hsja, target: 2}]",
                        "FILE:5: attacks[0].target: hsja runs untargeted only"),
                own("three means for grey images", null, "{architecture: mlp, preprocessing: {mean: [0.5, 0.5, 0.5], std: [0.2, 0.2, 0.2]}}",
                        "FILE:4: model.preprocessing.mean: gives 3 values, but the images have 1 channel"),
                own("means and stds of different counts", null, "{architecture: mlp, preprocessing: {mean: [0.5], std: [0.2, 0.2]}}",
                        "model.preprocessing.std: give one mean and one std per channel"),
                own("a zero std", null, "{architecture: mlp, preprocessing: {mean: [0.5], std: [0.0]}}",
                        "model.preprocessing.std[0]: must be a positive finite number"),
                own("file and architecture", null, "{architecture: mlp, file: m.pt}", "give one of architecture"),
                own("last layer of a model trained here", null, "{architecture: mlp, trainable_layers: last}",
                        "model.trainable_layers: only a loaded model"),
                own("last layer but no training", "colour-bn-dropout.pt", "{file: m.pt, trainable_layers: last}",
                        "FILE:4: model.trainable_layers:"),
                own("augmentation of a model that does not train", "colour-bn-dropout.pt", "{file: m.pt, augmentation: {shift: 2}}",
                        "FILE:4: model.augmentation:"),
                own("a negative shift", null, "{architecture: mlp, augmentation: {shift: -1}}", "model.augmentation.shift: must be"),
                own("a run folder that does not exist", null, "{run: nowhere}", "FILE:4: model.run: DIR/nowhere is not a run folder"),
                own("a run folder without manifest", null, "{run: .}", "FILE:4: model.run: DIR is not a finished run"),
                own("defended without a run", null, "{architecture: mlp, defended: true}", "model.defended: only a model from an earlier run"),
                new Case("the defended model of a run without defence", dir -> {
                    finishedRun(dir);
                    return run(dir, BASE.replace("{architecture: mlp, epochs: 1, batch_size: 32}", "{run: run, defended: true}"));
                }, "FILE:4: model.run: DIR/run has no defended model"),
                new Case("a run whose weights changed", dir -> {
                    Path run = finishedRun(dir);
                    Files.write(run.resolve("model-0000.params"), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
                    return run(dir, BASE.replace("{architecture: mlp, epochs: 1, batch_size: 32}", "{run: run}"));
                }, "its SHA-256 is not the one the run's manifest recorded"),
                // image folders that are not data sets
                yaml("image folder missing", "{name: mnist, train_subset: 300, test_subset: 50}", "{images: pictures}",
                        "FILE:3: dataset.images: DIR/pictures is not a folder"),
                new Case("image folder with two sizes", dir -> {
                    advbench.data.SyntheticImages.folder(dir.resolve("pictures"), List.of("a", "b"), 12, false, 4, 1);
                    javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(10, 10, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png",
                            dir.resolve("pictures/test/b/odd.png").toFile());
                    return run(dir, BASE.replace("{name: mnist, train_subset: 300, test_subset: 50}", "{images: pictures}"));
                }, "odd.png"),
                new Case("an image folder file that is no image", dir -> {
                    advbench.data.SyntheticImages.folder(dir.resolve("pictures"), List.of("a", "b"), 12, false, 4, 1);
                    Files.writeString(dir.resolve("pictures/train/a/000.png"), "not a picture");
                    return run(dir, BASE.replace("{name: mnist, train_subset: 300, test_subset: 50}", "{images: pictures}"));
                }, "000.png"),
                // IDX files a model cannot take, damaged ones, hostile ones
                files("images of 1x1 pixel", dir -> SyntheticIdx.write(dir, 1, 1, 1, 3, 20, 10, 1),
                        "FILE:6: model.architecture: small-cnn cannot take 1x1x1 images"),
                files("test images of another size", dir -> {
                    SyntheticIdx.write(dir, 1, 12, 12, 3, 20, 10, 1);
                    Path other = dir.resolveSibling("other");
                    SyntheticIdx.write(other, 1, 10, 10, 3, 20, 10, 1);
                    Files.copy(other.resolve("test-images.gz"), dir.resolve("test-images.gz"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }, "test-images.gz holds 1x10x10 images but train-images.gz holds 1x12x12"),
                files("more labels than images", dir -> {
                    SyntheticIdx.write(dir, 1, 12, 12, 3, 20, 10, 1);
                    Files.write(dir.resolve("test-labels.gz"), gzip(labels(11)));
                }, "test-images.gz has 10 images but test-labels.gz has 11 labels"),
                files("labels given as images", dir -> {
                    SyntheticIdx.write(dir, 1, 12, 12, 3, 20, 10, 1);
                    Files.copy(dir.resolve("train-labels.gz"), dir.resolve("train-images.gz"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }, "IDX file DATA/train-images.gz: magic number 0x00000801 is not"),
                files("an empty image file", dir -> {
                    SyntheticIdx.write(dir, 1, 12, 12, 3, 20, 10, 1);
                    Files.write(dir.resolve("train-images.gz"), new byte[0]);
                }, "IDX file DATA/train-images.gz: only 0 bytes"),
                files("a raw file cut short", dir -> {
                    SyntheticIdx.write(dir, 1, 12, 12, 3, 20, 10, 1);
                    byte[] raw = images(20, 12, 12, 20 * 12 * 12);
                    Files.write(dir.resolve("train-images.gz"), java.util.Arrays.copyOf(raw, raw.length - 100));
                }, "IDX file DATA/train-images.gz: truncated: the header promises 2880 pixel bytes but only 2780 follow"),
                files("trailing bytes", dir -> {
                    SyntheticIdx.write(dir, 1, 12, 12, 3, 20, 10, 1);
                    Files.write(dir.resolve("train-images.gz"), images(20, 12, 12, 20 * 12 * 12 + 7));
                }, "IDX file DATA/train-images.gz: trailing data after the 2880 pixel bytes"),
                files("dimensions whose product overflows", dir -> {
                    SyntheticIdx.write(dir, 1, 12, 12, 3, 20, 10, 1);
                    Files.write(dir.resolve("train-images.gz"), images(2_000_000_000, 50_000, 50_000, 0));
                }, "IDX file DATA/train-images.gz: the header declares 2000000000 x 50000 x 50000 x 1"),
                files("a header promising more than gzip can hold", dir -> {
                    SyntheticIdx.write(dir, 1, 12, 12, 3, 20, 10, 1);
                    Files.write(dir.resolve("train-images.gz"), gzip(images(100_000, 64, 64, 16)));
                }, "IDX file DATA/train-images.gz: the header promises 409600000 pixel bytes, more than a gzip file of"),
                files("a gzip bomb", dir -> {
                    SyntheticIdx.write(dir, 1, 12, 12, 3, 20, 10, 1);
                    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
                    bomb.write(gzip(images(20, 12, 12, 20 * 12 * 12)));
                    byte[] zeros = gzip(new byte[32 << 20]);
                    for (int i = 0; i < 40; i++) {
                        bomb.write(zeros); // 1.25 GiB of zeros after the images the header promises
                    }
                    Files.write(dir.resolve("train-images.gz"), bomb.toByteArray());
                }, "IDX file DATA/train-images.gz: trailing data after the 2880 pixel bytes"),
                files("a colour file with 4 channels", dir -> {
                    SyntheticIdx.write(dir, 1, 12, 12, 3, 20, 10, 1);
                    ByteBuffer b = ByteBuffer.allocate(20 + 20 * 12 * 12 * 4);
                    b.putInt(IdxReader.COLOUR_IMAGES_MAGIC).putInt(20).putInt(12).putInt(12).putInt(4);
                    Files.write(dir.resolve("train-images.gz"), b.array());
                }, "IDX file DATA/train-images.gz: 4 channels per pixel"),
                files("a folder where a file should be", dir -> {
                    SyntheticIdx.write(dir, 1, 12, 12, 3, 20, 10, 1);
                    Files.delete(dir.resolve("test-labels.gz"));
                    Files.createDirectory(dir.resolve("test-labels.gz"));
                }, "dataset.files: DATA/test-labels.gz is a folder, not an IDX file"),
                files("a missing file", dir -> {
                    SyntheticIdx.write(dir, 1, 12, 12, 3, 20, 10, 1);
                    Files.delete(dir.resolve("test-images.gz"));
                }, "dataset.files: DATA/test-images.gz does not exist"),
                // output locations that cannot be written, found before the data is read
                new Case("results folder is a file", dir -> {
                    Files.writeString(dir.resolve("results"), "a file");
                    List<String> a = run(dir, BASE);
                    return a;
                }, "--results-dir: DIR/results is a file, not a folder"),
                new Case("results folder under a file", dir -> {
                    Files.writeString(dir.resolve("blocker"), "a file");
                    List<String> a = run(dir, BASE);
                    a.set(3, dir.resolve("blocker/results").toString());
                    return a;
                }, "--results-dir: DIR/blocker/results cannot be created: DIR/blocker is a file, not a folder"),
                new Case("figures --out is a file", dir -> {
                    Files.writeString(dir.resolve("out"), "a file");
                    return List.of("figures", finishedRun(dir).toString(), "--out", dir.resolve("out").toString());
                }, "--out: DIR/out is a file, not a folder"),
                new Case("reference -o is a folder", dir -> List.of("reference", finishedRun(dir).toString(), "-o", dir.toString()),
                        "-o: DIR is a folder; give the reference file's path"),
                // saved files that are not what they claim
                new Case("metrics.json with a text accuracy (verify)", dir -> {
                    Path run = finishedRun(dir);
                    Files.writeString(run.resolve("metrics.json"), "{\"experiment\": \"x\", \"clean\": {\"accuracy\": \"high\"}, \"attacks\": []}");
                    return List.of("verify", run.toString(), "--reference", reference(dir).toString());
                }, "DIR/run/metrics.json: clean.accuracy: expected a number"),
                new Case("metrics.json with a text accuracy (figures)", dir -> {
                    Path run = finishedRun(dir);
                    Files.writeString(run.resolve("metrics.json"), "{\"experiment\": \"x\", \"clean\": {\"accuracy\": \"high\"}, \"attacks\": []}");
                    return List.of("figures", run.toString(), "--out", dir.resolve("figs").toString());
                }, "DIR/run/metrics.json: clean.accuracy: expected a number"),
                new Case("metrics.json of something else (verify)", dir -> {
                    Path run = finishedRun(dir);
                    Files.writeString(run.resolve("metrics.json"), "{\"experiment\": \"x\"}");
                    return List.of("verify", run.toString(), "--reference", reference(dir).toString());
                }, "DIR/run/metrics.json: not the metrics of a run"),
                new Case("an attack without points (figures)", dir -> {
                    Path run = finishedRun(dir);
                    Files.writeString(run.resolve("metrics.json"), Files.readString(run.resolve("metrics.json"))
                            .replaceFirst("\"points\" : \\[", "\"nothing\" : ["));
                    return List.of("figures", run.toString(), "--out", dir.resolve("figs").toString());
                }, "DIR/run/metrics.json: not the metrics of a run (baseline attacks[0]: an attack needs its name, norm and points)"),
                new Case("examples.json whose sizes do not add up", dir -> {
                    Path run = finishedRun(dir);
                    Files.writeString(run.resolve("examples.json"), Files.readString(run.resolve("examples.json"))
                            .replaceFirst("\"rows\" : 28", "\"rows\" : 29"));
                    return List.of("figures", run.toString(), "--out", dir.resolve("figs").toString());
                }, "DIR/run/examples.json: models[0]: clean: sizes do not match"),
                new Case("an interrupted run (verify)", dir -> {
                    Path run = finishedRun(dir);
                    Files.delete(run.resolve("manifest.json"));
                    return List.of("verify", run.toString(), "--reference", reference(dir).toString());
                }, "DIR/run: an interrupted run (no manifest.json, which a run writes last)"),
                new Case("an interrupted run (figures)", dir -> {
                    Path run = finishedRun(dir);
                    Files.delete(run.resolve("manifest.json"));
                    return List.of("figures", run.toString(), "--out", dir.resolve("figs").toString());
                }, "DIR/run: an interrupted run (no manifest.json, which a run writes last)"),
                new Case("predictions.csv with a cell that is no class", dir -> {
                    Path run = finishedRun(dir);
                    Files.writeString(run.resolve("predictions.csv"), Files.readString(run.resolve("predictions.csv"))
                            .replaceFirst("(?m)^(baseline,0,\\d+,)\\d+", "$1seven"));
                    return List.of("figures", run.toString(), "--out", dir.resolve("figs").toString());
                }, "DIR/run/predictions.csv: line 2: 'seven' is not a class"));
    }

    /** A case on BASE with its model section replaced, {@code resource} (a test model, "noise" or "empty") copied to m.pt first. */
    static Case own(String name, String resource, String model, String expected) {
        return new Case(name, dir -> {
            if ("noise".equals(resource)) {
                byte[] noise = new byte[4096];
                new java.util.Random(3).nextBytes(noise);
                Files.write(dir.resolve("m.pt"), noise);
            } else if ("empty".equals(resource)) {
                Files.write(dir.resolve("m.pt"), new byte[0]);
            } else if (resource != null) {
                try (var in = HostileInputTest.class.getResourceAsStream("/torchscript/" + resource)) {
                    Files.copy(in, dir.resolve("m.pt"));
                }
            }
            return run(dir, BASE.replace("{architecture: mlp, epochs: 1, batch_size: 32}", model));
        }, expected);
    }

    /** A case on the FILES experiment with images of the given shape, its model {@code resource} copied to m.pt. */
    static Case ownIdx(String name, String resource, int channels, int side, int classes, String expected) {
        return onIdx(name, resource, channels, side, classes, "{architecture: small-cnn, epochs: 1, batch_size: 32}", "{file: m.pt}", expected);
    }

    /** A case on the FILES experiment with images of the given shape, {@code resource} copied to m.pt, one part of the file replaced. */
    static Case onIdx(String name, String resource, int channels, int side, int classes, String from, String to, String expected) {
        return new Case(name, dir -> {
            SyntheticIdx.write(dir.resolve("data"), channels, side, side, classes, 20, 10, 1);
            try (var in = HostileInputTest.class.getResourceAsStream("/torchscript/" + resource)) {
                Files.copy(in, dir.resolve("m.pt"));
            }
            return run(dir, FILES.replace(from, to));
        }, expected);
    }

    /** A case on the FILES experiment with images of the given shape and a PGD transferred from {@code resource}, copied to m.pt. */
    static Case transferIdx(String name, String resource, int channels, int side, int classes, String expected) {
        return onIdx(name, resource, channels, side, classes, "attacks: [{type: fgsm}]",
                "attacks: [{type: fgsm}, {type: pgd, steps: 2, source: {file: m.pt}}]", expected);
    }

    /** A case on the FILES experiment, its IDX files prepared in data/. */
    static Case files(String name, IdxPreparation data, String expected) {
        return new Case(name, dir -> {
            data.write(dir.resolve("data"));
            return run(dir, FILES);
        }, expected);
    }

    interface IdxPreparation {
        void write(Path dataDir) throws IOException;
    }

    /**
     * A small finished run of the saved-file kind: its files are copied from one real run made
     * once for the class (bench figures and verify read only files).
     */
    static Path finishedRun(Path dir) throws IOException {
        Path source = SharedRun.get();
        Path run = dir.resolve("run");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path target = run.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return run;
    }

    static Path reference(Path dir) throws IOException {
        return Files.writeString(dir.resolve("ref.json"), "{\"experiment\": \"hostile\", \"metrics\": {\"clean/accuracy\": 0.5}}");
    }

    /** One real run of BASE, made on first use and shared by the saved-file cases. */
    static final class SharedRun {
        private static Path run;

        static synchronized Path get() throws IOException {
            if (run == null) {
                Path dir = Files.createTempDirectory("hostile-shared-run");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                BenchCommandTest.Outcome o = BenchCommandTest.bench(run(dir, BASE).toArray(String[]::new));
                assertEquals(0, o.code(), o.err());
                run = Path.of(o.out().strip());
            }
            return run;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder of the test JVM: the system cleans it up eventually
        }
    }

    static byte[] images(int count, int rows, int cols, int pixelBytes) {
        return SyntheticIdx.images(IdxReader.IMAGES_MAGIC, count, rows, cols, pixelBytes);
    }

    static byte[] labels(int count) {
        return SyntheticIdx.labels(IdxReader.LABELS_MAGIC, count, java.util.stream.IntStream.range(0, count).map(i -> i % 3).toArray());
    }

    static byte[] gzip(byte[] raw) throws IOException {
        return SyntheticIdx.gzip(raw);
    }

    static Stream<Case> fastCases() {
        return cases().filter(c -> !c.needsRealData());
    }

    static Stream<Case> realDataCases() {
        return cases().filter(Case::needsRealData);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fastCases")
    void refusedWithExitTwoAndOneLineBeforeAnyWork(Case c) throws IOException {
        assertRefused(c, tmp);
    }

    static void assertRefused(Case c, Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("case"));
        List<String> args = c.setup().args(dir);
        BenchCommandTest.Outcome o = BenchCommandTest.bench(args.toArray(String[]::new));
        String expected = c.expected().replace("FILE", dir.resolve("exp.yaml").toString()).replace("DATA", dir.resolve("data").toString())
                .replace("DIR", dir.toString());
        assertEquals(2, o.code(), c.name() + ": " + o.err());
        assertEquals(1, o.err().strip().lines().count(), c.name() + ": one line on stderr, got: " + o.err());
        assertTrue(o.err().startsWith("error: " + expected) || o.err().startsWith("error: ") && o.err().contains(expected),
                c.name() + ": expected '" + expected + "', got: " + o.err());
        assertFalse(o.err().contains("Exception") || o.err().contains("\tat "), c.name() + ": no stack trace or exception name: " + o.err());
        assertFalse(Files.exists(dir.resolve("results")) && !Files.isRegularFile(dir.resolve("results")) && !isEmpty(dir.resolve("results")),
                c.name() + ": nothing written under the results folder");
        if (Files.isDirectory(dir.resolve("figs"))) {
            assertTrue(isEmpty(dir.resolve("figs")), c.name() + ": no figure written");
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isEmpty();
        }
    }

}
