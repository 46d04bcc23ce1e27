package io.digitloc.core;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns an arbitrary picture (PNG, JPEG, ... any size, grayscale or colour) into a model canvas:
 * <ol>
 *   <li>the size is read from the file's header and absurd sizes are refused before decoding;</li>
 *   <li>colour becomes luminance (0.299 R + 0.587 G + 0.114 B), transparency becomes background;</li>
 *   <li>a light background (mean of the border pixels above mid-grey) is inverted, since the model
 *       knows white digits on black, as MNIST;</li>
 *   <li>a picture larger than the canvas is scaled down to fit (aspect kept), then it is centred on the
 *       black canvas.</li>
 * </ol>
 * {@link Fitted} keeps the transform so a predicted box maps back to the input's pixel coordinates.
 */
public final class ImageInput {
    /** Refused above this many pixels (checked from the header): 100 megapixels. */
    public static final long MAX_PIXELS = 100_000_000L;

    private ImageInput() {
    }

    /** A canvas made from a picture, and how to map canvas coordinates back. */
    public record Fitted(byte[] pixels, int size, double scale, double offsetX, double offsetY, int width, int height) {
        /** Canvas pixel x to input pixel x. */
        public double toInputX(double canvasX) {
            return (canvasX - offsetX) / scale;
        }

        public double toInputY(double canvasY) {
            return (canvasY - offsetY) / scale;
        }

        /** A box (xmin, ymin, xmax, ymax as fractions of the canvas) in the input's pixel coordinates. */
        public double[] toInput(float[] box) {
            return new double[] {toInputX(box[0] * size), toInputY(box[1] * size), toInputX(box[2] * size),
                    toInputY(box[3] * size)};
        }
    }

    /** Reads a picture, checking its format and size from the header first. */
    public static BufferedImage read(File file) {
        if (!file.isFile()) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file)) {
            return decode(in, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": corrupt or unreadable image (" + e.getMessage() + ")", e);
        }
    }

    /** Decodes a picture held in memory (e.g. a row of Spark's binaryFile source); {@code name} is for messages. */
    public static BufferedImage read(byte[] bytes, String name) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException(name + ": empty file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            return decode(in, name);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": corrupt or unreadable image (" + e.getMessage() + ")", e);
        }
    }

    private static BufferedImage decode(ImageInputStream in, String name) throws IOException {
        Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
        if (readers == null || !readers.hasNext()) {
            throw new IllegalArgumentException(name + ": not an image in a readable format (PNG, JPEG, GIF, BMP)");
        }
        ImageReader reader = readers.next();
        try {
            reader.setInput(in, true, true);
            long w = reader.getWidth(0);
            long h = reader.getHeight(0);
            if (w <= 0 || h <= 0 || w * h > MAX_PIXELS) {
                throw new IllegalArgumentException(name + ": image of " + w + "x" + h + " pixels is refused (at most "
                        + MAX_PIXELS / 1_000_000 + " megapixels)");
            }
            BufferedImage img = reader.read(0);
            if (img == null) {
                throw new IllegalArgumentException(name + ": could not be decoded");
            }
            return img;
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException(name + ": corrupt or unreadable image (" + e.getMessage() + ")", e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * A grayscale canvas of any size ({@code width*height} bytes, row-major, 0 = black) made into a model
     * canvas: as it is when it has the model's size, else fitted as a picture is.
     */
    public static Fitted fromGray(byte[] pixels, int width, int height, int size) {
        if (width <= 0 || height <= 0 || (long) width * height > MAX_PIXELS) {
            throw new IllegalArgumentException("a canvas of " + width + "x" + height + " pixels is refused");
        }
        if (pixels == null || pixels.length != width * height) {
            throw new IllegalArgumentException((pixels == null ? "no" : Integer.toString(pixels.length))
                    + " pixel bytes for a " + width + "x" + height + " canvas");
        }
        if (width == size && height == size) {
            return new Fitted(pixels, size, 1, 0, 0, size, size);
        }
        // RGB, not TYPE_BYTE_GRAY: getRGB of a gray image converts linear gray to sRGB and brightens it
        int[] rgb = new int[width * height];
        for (int i = 0; i < rgb.length; i++) {
            int v = pixels[i] & 0xFF;
            rgb[i] = v << 16 | v << 8 | v;
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, width, height, rgb, 0, width);
        return fit(img, size);
    }

    public static Fitted fit(BufferedImage img, int size) {
        int w = img.getWidth();
        int h = img.getHeight();
        double scale = Math.min(1.0, (double) size / Math.max(w, h));
        int sw = Math.max(1, (int) Math.round(w * scale));
        int sh = Math.max(1, (int) Math.round(h * scale));
        double[] gray = luminance(img);
        boolean invert = borderMean(gray, w, h) > 127.5;
        BufferedImage g = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (int) Math.round(invert ? 255 - gray[y * w + x] : gray[y * w + x]);
                g.getRaster().setSample(x, y, 0, v);
            }
        }
        BufferedImage canvas = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        int ox = (size - sw) / 2;
        int oy = (size - sh) / 2;
        Graphics2D g2 = canvas.createGraphics();
        g2.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g2.drawImage(g, ox, oy, sw, sh, null);
        g2.dispose();
        byte[] pixels = new byte[size * size];
        canvas.getRaster().getDataElements(0, 0, size, size, pixels);
        double sx = (double) sw / w;
        return new Fitted(pixels, size, sx, ox, oy, w, h);
    }

    /** Luminance 0..255 per pixel; transparent pixels count as the background colour of white paper. */
    static double[] luminance(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        double[] out = new double[w * h];
        boolean alpha = img.getColorModel().hasAlpha();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                double a = alpha ? ((argb >>> 24) & 0xFF) / 255.0 : 1;
                double lum = 0.299 * ((argb >> 16) & 0xFF) + 0.587 * ((argb >> 8) & 0xFF) + 0.114 * (argb & 0xFF);
                out[y * w + x] = a * lum + (1 - a) * 255;
            }
        }
        return out;
    }

    static double borderMean(double[] gray, int w, int h) {
        double sum = 0;
        int n = 0;
        for (int x = 0; x < w; x++) {
            sum += gray[x] + gray[(h - 1) * w + x];
            n += 2;
        }
        for (int y = 0; y < h; y++) {
            sum += gray[y * w] + gray[y * w + w - 1];
            n += 2;
        }
        return sum / n;
    }
}
