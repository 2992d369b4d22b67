package advbench.data;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data sets that can be named in an experiment file. To add one, append an entry here with
 * its mirrors, the published MD5 of each file, its layout and its classes; any other IDX data set
 * (grey or colour), or a folder of images, can be used without a change (dataset.files,
 * dataset.images).
 */
public final class KnownDatasets {
    private KnownDatasets() {}

    public static final KnownDataset MNIST = new KnownDataset("mnist",
            List.of("https://ossci-datasets.s3.amazonaws.com/mnist/",
                    "https://storage.googleapis.com/cvdf-datasets/mnist/"),
            Map.of("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                    "train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432",
                    "t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3",
                    "t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
            10, null);

    public static final KnownDataset FASHION_MNIST = new KnownDataset("fashion-mnist",
            List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
            Map.of("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                    "train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe",
                    "t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79",
                    "t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
            10, List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"));

    public static final KnownDataset CIFAR10 = new KnownDataset("cifar10",
            List.of("https://www.cs.toronto.edu/~kriz/"),
            Map.of("cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530"),
            10, List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
            KnownDataset.Format.CIFAR10);

    public static final KnownDataset CIFAR100 = new KnownDataset("cifar100",
            List.of("https://www.cs.toronto.edu/~kriz/"),
            Map.of("cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8"),
            100, List.of("apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle", "bowl", "boy",
                    "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle", "chair", "chimpanzee", "clock",
                    "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur", "dolphin", "elephant", "flatfish", "forest",
                    "fox", "girl", "hamster", "house", "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion", "lizard",
                    "lobster", "man", "maple_tree", "motorcycle", "mountain", "mouse", "mushroom", "oak_tree", "orange", "orchid",
                    "otter", "palm_tree", "pear", "pickup_truck", "pine_tree", "plain", "plate", "poppy", "porcupine", "possum",
                    "rabbit", "raccoon", "ray", "road", "rocket", "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper",
                    "snail", "snake", "spider", "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone",
                    "television", "tiger", "tractor", "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf",
                    "woman", "worm"),
            KnownDataset.Format.CIFAR100);

    public static final List<KnownDataset> ALL = List.of(MNIST, FASHION_MNIST, CIFAR10, CIFAR100);

    public static Optional<KnownDataset> byName(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return ALL.stream().map(KnownDataset::name).toList();
    }
}
