package advbench.data;

import advbench.SpecException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A data set as a folder of images: {@code train/<class>/} and {@code test/<class>/}, each class
 * folder holding PNG or JPEG files, the class names those of the training folders (sorted). Every
 * image must have the size of the first; the images are grey if every one is, else colour. Files
 * are read in name order, so the same folder always gives the same data set.
 */
public final class ImageFolderReader {
    private ImageFolderReader() {}

    /** The two splits, the class names, and a digest of each split's files for the manifest. */
    public record Read(IdxReader.Samples train, IdxReader.Samples test, List<String> classNames, Map<String, DataProvenance.FileEntry> sources) {}

    public static Read read(Path dir) {
        Path trainDir = dir.resolve("train");
        Path testDir = dir.resolve("test");
        for (Path split : List.of(trainDir, testDir)) {
            if (!Files.isDirectory(split)) {
                throw new SpecException("images", dir + " has no " + split.getFileName() + "/ folder (expected train/<class>/ and"
                        + " test/<class>/ holding PNG or JPEG files)");
            }
        }
        List<String> classes = folders(trainDir);
        if (classes.size() < 2) {
            throw new SpecException("images", trainDir + " holds " + classes.size() + " class folders; a classifier needs two or more");
        }
        for (String c : folders(testDir)) {
            if (!classes.contains(c)) {
                throw new SpecException("images", testDir.resolve(c) + " is not a class of " + trainDir + " (" + String.join(", ", classes) + ")");
            }
        }
        List<Path> trainFiles = new ArrayList<>();
        List<Integer> trainLabels = new ArrayList<>();
        List<Path> testFiles = new ArrayList<>();
        List<Integer> testLabels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            for (Path f : images(trainDir.resolve(classes.get(c)))) {
                trainFiles.add(f);
                trainLabels.add(c);
            }
            if (Files.isDirectory(testDir.resolve(classes.get(c)))) {
                for (Path f : images(testDir.resolve(classes.get(c)))) {
                    testFiles.add(f);
                    testLabels.add(c);
                }
            }
        }
        if (trainFiles.isEmpty() || testFiles.isEmpty()) {
            throw new SpecException("images", (trainFiles.isEmpty() ? trainDir : testDir) + " holds no PNG or JPEG file");
        }
        List<Path> all = new ArrayList<>(trainFiles);
        all.addAll(testFiles);
        List<BufferedImage> decoded = decode(all);
        int width = decoded.get(0).getWidth();
        int height = decoded.get(0).getHeight();
        boolean grey = decoded.stream().allMatch(i -> i.getColorModel().getNumColorComponents() == 1);
        int channels = grey ? 1 : 3;
        Map<String, DataProvenance.FileEntry> sources = new LinkedHashMap<>();
        sources.put("train/", new DataProvenance.FileEntry(trainDir.toAbsolutePath().normalize().toString(), digest(trainDir, trainFiles)));
        sources.put("test/", new DataProvenance.FileEntry(testDir.toAbsolutePath().normalize().toString(), digest(testDir, testFiles)));
        return new Read(samples(decoded.subList(0, trainFiles.size()), trainLabels, channels, height, width),
                samples(decoded.subList(trainFiles.size(), all.size()), testLabels, channels, height, width), classes, sources);
    }

    /** The largest image taken: 16 megapixels, far above what attacks are run on, far below what exhausts memory. */
    static final long MAX_PIXELS = 16_000_000L;

    /**
     * Decodes every image, each of the first one's size. The size is read from the header before
     * anything is decoded, so a huge image (a decompression bomb) is refused without allocating
     * it; the floats of the whole set must fit in half the heap.
     */
    private static List<BufferedImage> decode(List<Path> files) {
        List<BufferedImage> out = new ArrayList<>();
        int[] first = null;
        for (Path f : files) {
            int[] size = size(f);
            if (first == null) {
                first = size;
                if ((long) size[0] * size[1] > MAX_PIXELS) {
                    throw new SpecException("images", String.format(Locale.ROOT, "%s is %dx%d, more than %d megapixels",
                            f, size[0], size[1], MAX_PIXELS / 1_000_000));
                }
                if (3L * files.size() * size[0] * size[1] * 4 > Runtime.getRuntime().maxMemory() / 2) {
                    throw new SpecException("images", files.size() + " images of " + size[0] + "x" + size[1]
                            + " take more than half the Java heap as floats; give the JVM more memory (BENCH_JVM_OPTS=-Xmx...)");
                }
            } else if (size[0] != first[0] || size[1] != first[1]) {
                throw new SpecException("images", String.format(Locale.ROOT, "%s is %dx%d but %s is %dx%d; every image must have one size",
                        f, size[0], size[1], files.get(0), first[0], first[1]));
            }
            BufferedImage img;
            try {
                img = ImageIO.read(f.toFile());
            } catch (IOException | RuntimeException e) {
                img = null;
            }
            if (img == null || img.getWidth() != size[0] || img.getHeight() != size[1]) {
                throw new SpecException("images", f + " is not a readable PNG or JPEG image");
            }
            out.add(img);
        }
        return out;
    }

    /** Width and height from the file's header, without decoding its pixels. */
    private static int[] size(Path f) {
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers != null && readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in, true, true);
                    return new int[] {reader.getWidth(0), reader.getHeight(0)};
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException | RuntimeException e) {
            // reported below, as for any file that is not an image
        }
        throw new SpecException("images", f + " is not a readable PNG or JPEG image");
    }

    private static IdxReader.Samples samples(List<BufferedImage> images, List<Integer> labels, int channels, int height, int width) {
        int plane = height * width;
        float[] pixels = new float[images.size() * channels * plane];
        for (int i = 0; i < images.size(); i++) {
            BufferedImage img = images.get(i);
            int offset = i * channels * plane;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int k = y * width + x;
                    if (channels == 1) {
                        double max = (1 << img.getColorModel().getComponentSize(0)) - 1;
                        pixels[offset + k] = (float) (img.getRaster().getSample(x, y, 0) / max);
                    } else {
                        int rgb = img.getRGB(x, y);
                        pixels[offset + k] = ((rgb >> 16) & 0xFF) / 255f;
                        pixels[offset + plane + k] = ((rgb >> 8) & 0xFF) / 255f;
                        pixels[offset + 2 * plane + k] = (rgb & 0xFF) / 255f;
                    }
                }
            }
        }
        return new IdxReader.Samples(new IdxReader.Images(images.size(), channels, height, width, pixels),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Sub-folders, sorted by name; hidden ones left out. */
    private static List<String> folders(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new SpecException("images", dir + " cannot be read (" + e.getMessage() + ")");
        }
    }

    /** A class folder's images, sorted by name; anything else but hidden files is refused. */
    private static List<Path> images(Path classDir) {
        try (Stream<Path> list = Files.list(classDir)) {
            List<Path> out = new ArrayList<>();
            for (Path p : list.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(".")) {
                    continue;
                }
                String lower = n.toLowerCase(Locale.ROOT);
                if (!Files.isRegularFile(p) || !(lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg"))) {
                    throw new SpecException("images", p + " is not a PNG or JPEG file (a class folder holds images only)");
                }
                out.add(p);
            }
            return out;
        } catch (IOException e) {
            throw new SpecException("images", classDir + " cannot be read (" + e.getMessage() + ")");
        }
    }

    /** MD5 over each file's path below the split and its bytes: equal folders give equal digests (for the model cache key). */
    private static String digest(Path splitDir, List<Path> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            for (Path f : files) {
                md.update(splitDir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new SpecException("images", splitDir + " cannot be read (" + e.getMessage() + ")");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
