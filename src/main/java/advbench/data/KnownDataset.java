package advbench.data;

import java.util.List;
import java.util.Map;

/**
 * A published data set that an experiment can name: where to download it, the MD5 of each file
 * as published, how its files are laid out, and its classes.
 *
 * @param md5ByFile the published files (the download units) by name, with their MD5s
 * @param classNames the classes' names, or null when they are only numbered (MNIST's digits)
 */
public record KnownDataset(String name, List<String> mirrors, Map<String, String> md5ByFile, int classes,
                           List<String> classNames, Format format) {

    /** How a data set's files are laid out, and so which reader reads them. */
    public enum Format {
        /** Four IDX files (images and labels of each split), gzip-compressed or not. */
        IDX(IdxFiles.STANDARD_NAMES, null),
        /** The CIFAR-10 binary archive, or the folder it extracts to. */
        CIFAR10(List.of("cifar-10-binary.tar.gz"), CifarReader.Layout.CIFAR10),
        /** The CIFAR-100 binary archive, or the folder it extracts to. */
        CIFAR100(List.of("cifar-100-binary.tar.gz"), CifarReader.Layout.CIFAR100);

        final List<String> files;
        final CifarReader.Layout cifar;

        Format(List<String> files, CifarReader.Layout cifar) {
            this.files = files;
            this.cifar = cifar;
        }

        /** The published files, in the order the reader takes them. */
        public List<String> files() {
            return files;
        }
    }

    /** An IDX data set (MNIST-like). */
    public KnownDataset(String name, List<String> mirrors, Map<String, String> md5ByFile, int classes, List<String> classNames) {
        this(name, mirrors, md5ByFile, classes, classNames, Format.IDX);
    }

    public Dataset.Classes knownClasses() {
        return new Dataset.Classes(classes, classNames);
    }
}
