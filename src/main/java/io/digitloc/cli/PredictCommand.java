package io.digitloc.cli;

import io.digitloc.config.Settings;
import io.digitloc.core.ImageInput;
import io.digitloc.core.Located;
import io.digitloc.core.Predictor;
import io.digitloc.io.HadoopConf;
import io.digitloc.model.LocalizerNet;
import io.digitloc.model.ModelStore;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;

/** {@code predict}: the digit and its box in picture files, no Spark needed. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict the digit and its bounding box in picture files (PNG, JPEG, GIF, BMP; any size, colour "
                + "or grayscale). Each picture becomes a canvas: converted to luminance, inverted when its background "
                + "is light (the model knows white digits on black), scaled down if larger than the canvas (aspect "
                + "kept) and centred. Prints the digit, its probability and the box in the input's pixel coordinates."})
final class PredictCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--draw", paramLabel = "DIR",
            description = "Also write each picture with the predicted box (red) and digit to DIR/<name>-predicted.png.")
    File drawDir;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Picture files.")
    List<File> images;

    @Override
    public Integer call() {
        Settings settings = common.load();
        int size = settings.data().canvasSize();
        // pictures first: a bad file is reported before the model is loaded
        List<BufferedImage> pictures = images.stream().map(ImageInput::read).toList();
        Path modelPath = new Path(settings.eval().modelPath(settings.train().modelDir()));
        ComputationGraph net = ModelStore.load(modelPath, false, HadoopConf.local());
        LocalizerNet.requireFits(net, size, modelPath + " (set --set data.canvas-size=<its size>)");
        Predictor predictor = new Predictor(net, size);
        for (int i = 0; i < images.size(); i++) {
            ImageInput.Fitted fitted = ImageInput.fit(pictures.get(i), size);
            Located p = predictor.predict(fitted.pixels(), 1).get(0);
            double[] box = fitted.toInput(p.box());
            System.out.printf(Locale.ROOT, "%s: digit %d (p=%.3f), box xmin=%.1f ymin=%.1f xmax=%.1f ymax=%.1f "
                            + "(pixels of the %dx%d input)%n", images.get(i), p.digit(), p.probability(), box[0], box[1],
                    box[2], box[3], fitted.width(), fitted.height());
            if (drawDir != null) {
                draw(pictures.get(i), images.get(i), p, box);
            }
        }
        return 0;
    }

    private void draw(BufferedImage picture, File source, Located p, double[] box) {
        BufferedImage copy = new BufferedImage(picture.getWidth(), picture.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = copy.createGraphics();
        g.drawImage(picture, 0, 0, null);
        g.setColor(new Color(230, 0, 0));
        g.setStroke(new BasicStroke(Math.max(2f, picture.getWidth() / 150f)));
        int x0 = (int) Math.round(Math.min(box[0], box[2]));
        int y0 = (int) Math.round(Math.min(box[1], box[3]));
        g.drawRect(x0, y0, (int) Math.round(Math.abs(box[2] - box[0])), (int) Math.round(Math.abs(box[3] - box[1])));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(14, picture.getHeight() / 12)));
        g.drawString(Integer.toString(p.digit()), x0, Math.min(picture.getHeight() - 4,
                (int) Math.round(Math.max(box[1], box[3])) + g.getFontMetrics().getAscent()));
        g.dispose();
        String name = source.getName().replaceFirst("\\.[^.]*$", "") + "-predicted.png";
        try {
            java.nio.file.Files.createDirectories(drawDir.toPath());
            File target = new File(drawDir, name);
            File tmp = new File(drawDir, "." + name + ".tmp");
            ImageIO.write(copy, "png", tmp);
            java.nio.file.Files.move(tmp.toPath(), target.toPath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            System.out.println("  drawn: " + target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write into " + drawDir + ": " + e.getMessage(), e);
        }
    }
}
