package io.digitloc.report;

import io.digitloc.core.Prediction;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PredictionGridTest {
    private static final float[] PROBS = {0, 0, 0, 0.9f, 0.1f, 0, 0, 0, 0, 0};

    @Test
    void trueBoxIsGreenPredictedBoxIsRedWhereTheyShouldBe() {
        int size = 75;
        byte[] black = new byte[size * size];
        float[] truth = {10 / 75f, 10 / 75f, 38 / 75f, 38 / 75f};
        float[] pred = {30 / 75f, 30 / 75f, 58 / 75f, 58 / 75f};
        Prediction p = Prediction.of(0, 3, PROBS, truth, pred);
        BufferedImage img = PredictionGrid.draw(List.of(new PredictionGrid.Section("t",
                List.of(new PredictionGrid.Cell(black, size, p)))), 1, size);

        int cell = PredictionGrid.cellWidth(size);
        assertThat(img.getWidth()).isEqualTo(PredictionGrid.GAP * 2 + cell);
        int x = PredictionGrid.GAP;
        int y = PredictionGrid.GAP + PredictionGrid.TITLE_HEIGHT;
        // left edge of the true box at canvas x=10 (scaled 2x), halfway down its height
        assertThat(new Color(img.getRGB(x + 20, y + 48))).isEqualTo(PredictionGrid.TRUE_BOX);
        // top edge of the predicted box at canvas y=30, halfway along its width
        assertThat(new Color(img.getRGB(x + 88, y + 60))).isEqualTo(PredictionGrid.PRED_BOX);
        // inside both boxes, away from edges: the black canvas
        assertThat(new Color(img.getRGB(x + 100, y + 100))).isEqualTo(Color.BLACK);
        // outside the boxes: black canvas too
        assertThat(new Color(img.getRGB(x + 4, y + 140))).isEqualTo(Color.BLACK);
    }

    @Test
    void wrongPredictionsAreLabelledInRed() {
        int size = 40;
        Prediction wrong = Prediction.of(0, 7, PROBS, new float[] {0, 0, .7f, .7f}, new float[] {0, 0, .7f, .7f});
        BufferedImage img = PredictionGrid.draw(List.of(new PredictionGrid.Section("t",
                List.of(new PredictionGrid.Cell(new byte[size * size], size, wrong)))), 1, size);
        int top = PredictionGrid.GAP + PredictionGrid.TITLE_HEIGHT + PredictionGrid.cellWidth(size);
        boolean red = false;
        for (int y = top; y < top + PredictionGrid.LABEL_HEIGHT; y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                Color c = new Color(img.getRGB(x, y));
                red |= c.getRed() > 180 && c.getGreen() < 80;
            }
        }
        assertThat(red).isTrue();
    }
}
