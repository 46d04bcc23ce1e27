package io.digitloc.report;

import io.digitloc.core.Prediction;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Draws the reference's picture: each canvas with the true box in green, the predicted box in red
 * and the predicted digit beneath (red when wrong, with the true digit beside it), in titled rows.
 */
public final class PredictionGrid {
    public static final Color TRUE_BOX = new Color(0, 200, 0);
    public static final Color PRED_BOX = new Color(230, 0, 0);
    static final int SCALE = 2;
    static final int LABEL_HEIGHT = 22;
    static final int TITLE_HEIGHT = 24;
    static final int GAP = 6;

    /** One canvas to draw and what the model said about it. */
    public record Cell(byte[] pixels, int size, Prediction prediction) {
    }

    /** A titled row of cells. */
    public record Section(String title, List<Cell> cells) {
    }

    private PredictionGrid() {
    }

    /** Cell width in pixels for canvases of {@code size}. */
    public static int cellWidth(int size) {
        return size * SCALE;
    }

    public static BufferedImage draw(List<Section> sections, int columns, int size) {
        int cell = cellWidth(size);
        int width = GAP + columns * (cell + GAP);
        int height = GAP;
        for (Section s : sections) {
            height += TITLE_HEIGHT + rows(s, columns) * (cell + LABEL_HEIGHT + GAP);
        }
        BufferedImage img = new BufferedImage(width, Math.max(height, 1), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int y = GAP;
        for (Section s : sections) {
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(s.title(), GAP, y + TITLE_HEIGHT - 8);
            y += TITLE_HEIGHT;
            for (int i = 0; i < s.cells().size(); i++) {
                int x = GAP + (i % columns) * (cell + GAP);
                int top = y + (i / columns) * (cell + LABEL_HEIGHT + GAP);
                drawCell(g, s.cells().get(i), x, top);
            }
            y += rows(s, columns) * (cell + LABEL_HEIGHT + GAP);
        }
        g.dispose();
        return img;
    }

    private static int rows(Section s, int columns) {
        return Math.max(1, (s.cells().size() + columns - 1) / columns);
    }

    static void drawCell(Graphics2D g, Cell c, int x, int y) {
        int size = c.size();
        int cell = size * SCALE;
        BufferedImage canvas = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int py = 0; py < size; py++) {
            for (int px = 0; px < size; px++) {
                int v = c.pixels()[py * size + px] & 0xFF;
                canvas.setRGB(px, py, (v << 16) | (v << 8) | v);
            }
        }
        g.drawImage(canvas, x, y, cell, cell, null);
        Prediction p = c.prediction();
        g.setStroke(new BasicStroke(2f));
        drawBox(g, p.trueBox(), x, y, cell, TRUE_BOX);
        drawBox(g, p.predBox(), x, y, cell, PRED_BOX);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(p.correct() ? Color.BLACK : PRED_BOX);
        String text = p.correct() ? Integer.toString(p.predicted())
                : p.predicted() + " (true " + p.label() + ")";
        g.drawString(text, x + 2, y + cell + LABEL_HEIGHT - 6);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.GRAY);
        String iou = String.format("IoU %.2f", p.iou());
        g.drawString(iou, x + cell - g.getFontMetrics().stringWidth(iou) - 2, y + cell + LABEL_HEIGHT - 6);
    }

    /** Draws a normalised box (clipped to the cell; an inverted box is drawn between its corners). */
    static void drawBox(Graphics2D g, float[] box, int x, int y, int cell, Color color) {
        int x0 = x + clamp(Math.round(Math.min(box[0], box[2]) * cell), cell);
        int y0 = y + clamp(Math.round(Math.min(box[1], box[3]) * cell), cell);
        int x1 = x + clamp(Math.round(Math.max(box[0], box[2]) * cell), cell);
        int y1 = y + clamp(Math.round(Math.max(box[1], box[3]) * cell), cell);
        g.setColor(color);
        g.drawRect(x0, y0, Math.max(1, x1 - x0 - 1), Math.max(1, y1 - y0 - 1));
    }

    private static int clamp(int v, int cell) {
        return Math.max(0, Math.min(cell - 1, v));
    }
}
