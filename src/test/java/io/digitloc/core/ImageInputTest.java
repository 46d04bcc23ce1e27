package io.digitloc.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ImageInputTest {
    @TempDir
    Path tmp;

    @Test
    void largeLightPictureIsInvertedScaledAndCentredWithAReversibleTransform() {
        // black square (the "digit") at x 40..80, y 100..140 on a white 300x200 colour picture
        BufferedImage img = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 300, 200);
        g.setColor(Color.BLACK);
        g.fillRect(40, 100, 40, 40);
        g.dispose();

        ImageInput.Fitted f = ImageInput.fit(img, 75);
        assertThat(f.scale()).isCloseTo(0.25, within(1e-9));
        assertThat(f.offsetX()).isZero();
        assertThat(f.offsetY()).isEqualTo(12); // (75 - 50) / 2, whole pixels
        // the square, now white on black, at canvas x 10..20, y 12+25..12+35
        assertThat(f.pixels()[(12 + 30) * 75 + 15] & 0xFF).isGreaterThan(200);
        assertThat(f.pixels()[5 * 75 + 5] & 0xFF).isLessThan(30);
        assertThat(f.toInputX(10)).isCloseTo(40, within(1e-9));
        assertThat(f.toInputY(12 + 25)).isCloseTo(100, within(1e-9));
    }

    @Test
    void smallDarkPictureIsPaddedNotScaled() {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(5, 6, 0, 255);
        ImageInput.Fitted f = ImageInput.fit(img, 75);
        assertThat(f.scale()).isEqualTo(1.0);
        assertThat(f.offsetX()).isEqualTo(23);
        assertThat(f.pixels()[(23 + 6) * 75 + 23 + 5] & 0xFF).isEqualTo(255);
    }

    @Test
    void corruptNonImageAndMissingFilesGetClearErrors() throws IOException {
        Path text = tmp.resolve("notes.png");
        Files.writeString(text, "this is not a picture");
        assertThatThrownBy(() -> ImageInput.read(text.toFile())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("notes.png: not an image");

        BufferedImage img = new BufferedImage(50, 50, BufferedImage.TYPE_INT_RGB);
        File good = tmp.resolve("good.png").toFile();
        ImageIO.write(img, "png", good);
        byte[] bytes = Files.readAllBytes(good.toPath());
        Path cut = tmp.resolve("cut.png");
        Files.write(cut, java.util.Arrays.copyOf(bytes, 40));
        assertThatThrownBy(() -> ImageInput.read(cut.toFile())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cut.png");

        assertThatThrownBy(() -> ImageInput.read(tmp.resolve("nope.png").toFile()))
                .hasMessageContaining("nope.png: no such file");
    }

    @Test
    void absurdlyLargeImagesAreRefusedFromTheHeader() throws IOException {
        // a valid PNG header claiming 100000 x 100000 pixels, without the pixel data
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        File small = tmp.resolve("small.png").toFile();
        ImageIO.write(img, "png", small);
        byte[] png = Files.readAllBytes(small.toPath());
        // IHDR width/height at bytes 16..23 (big-endian); the CRC will be wrong, which the header read ignores
        java.nio.ByteBuffer.wrap(png, 16, 8).putInt(100_000).putInt(100_000);
        Path huge = tmp.resolve("huge.png");
        Files.write(huge, png);
        assertThatThrownBy(() -> ImageInput.read(huge.toFile())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("huge.png").hasMessageContaining("100000x100000");
    }
}
