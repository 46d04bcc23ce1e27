package io.digitloc.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/architecture.md's size rules, read off the sources of src/main: no method or constructor longer
 * than 60 lines, none with more than 7 parameters. A record's header is its fields, not a parameter
 * list (its other constructors too), and a method overriding DL4J's or Spark's ({@code @Override}) keeps
 * their signature.
 */
class MethodShapeTest {
    private static final Path MAIN = Path.of("src/main/java");
    static final int MAX_LINES = 60;
    static final int MAX_PARAMETERS = 7;

    /** A method or constructor head up to its body's brace: modifiers, type parameters, name, (parameters). */
    private static final Pattern HEAD = Pattern.compile(
            "(@Override\\s+)?(?:@\\w+(?:\\([^)]*\\))?\\s+)*(?:(?:public|private|protected|static|final|synchronized"
                    + "|abstract|default|native)\\s+)*(?:<[^>{};]+>\\s+)?([\\w<>\\[\\],.? ]+?)\\s+(\\w+)\\s*"
                    + "\\(([^;{}()]*(?:\\([^;{}()]*\\)[^;{}()]*)*)\\)\\s*(?:throws [\\w., ]+)?\\{");
    private static final List<String> NOT_NAMES = List.of("if", "for", "while", "switch", "catch", "synchronized",
            "return", "new", "else", "try");

    /** One method's head: where it is, how long its body is, how many parameters it takes. */
    record Method(String where, int lines, int parameters, boolean override) {
    }

    @Test
    void noMethodIsLongerThanSixtyLines() throws IOException {
        List<String> tooLong = methods().stream().filter(m -> m.lines() > MAX_LINES)
                .map(m -> m.where() + " (" + m.lines() + " lines)").toList();
        assertThat(tooLong).isEmpty();
    }

    @Test
    void noMethodTakesMoreThanSevenParameters() throws IOException {
        List<String> tooMany = methods().stream().filter(m -> !m.override() && m.parameters() > MAX_PARAMETERS)
                .map(m -> m.where() + " (" + m.parameters() + " parameters)").toList();
        assertThat(tooMany).isEmpty();
    }

    @Test
    void theScanSeesLongMethodsAndLongParameterLists() {
        String body = "int x = 0;\n".repeat(MAX_LINES);
        String source = "class A {\n  static void many(int a, int b, int c, int d, int e, int f, int g, Map<K, V> h) {\n"
                + body + "  }\n  record R(int a, int b, int c, int d, int e, int f, int g, int h) {\n"
                + "    R(int a, int b, int c, int d, int e, int f, int g, int h, int i) {\n      this(a, b, c, d, e, f, g, h);\n    }\n  }\n"
                + "  @Override\n  public void fit(int a, int b, int c, int d, int e, int f, int g, int h) {\n"
                + "    String s = \"}{\"; // }\n  }\n}\n";
        List<Method> found = scan("A.java", source);
        assertThat(found).extracting(Method::where).containsExactly("A.java:2 many", "A.java:70 fit");
        assertThat(found.get(0).lines()).isEqualTo(MAX_LINES + 2);
        assertThat(found.get(0).parameters()).isEqualTo(8);
        assertThat(found.get(1).override()).isTrue();
        assertThat(found.get(1).lines()).isEqualTo(3);
    }

    private static List<Method> methods() throws IOException {
        List<Method> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                all.addAll(scan(MAIN.relativize(file).toString(), Files.readString(file)));
            }
        }
        assertThat(all).as("methods found in " + MAIN).hasSizeGreaterThan(500);
        return all;
    }

    static List<Method> scan(String name, String source) {
        String code = blankLiteralsAndComments(source);
        List<String> records = Pattern.compile("\\brecord\\s+(\\w+)").matcher(code).results()
                .map(r -> r.group(1)).toList();
        List<Method> found = new ArrayList<>();
        Matcher m = HEAD.matcher(code);
        while (m.find()) {
            String type = m.group(2).strip();
            if (NOT_NAMES.contains(m.group(3)) || records.contains(m.group(3)) || type.endsWith("record") || type.endsWith("new")
                    || type.equals("else") || type.endsWith("return")) {
                continue;
            }
            int end = bodyEnd(code, m.end());
            int line = lineOf(code, m.start(3));
            int lines = lineOf(code, end) - lineOf(code, m.start(2)) + 1;
            found.add(new Method(name + ":" + line + " " + m.group(3), lines, parameters(m.group(4)),
                    m.group(1) != null));
        }
        return found;
    }

    /** The number of top-level commas plus one, or 0 for an empty list. */
    private static int parameters(String list) {
        if (list.isBlank()) {
            return 0;
        }
        int depth = 0;
        int count = 1;
        for (char c : list.toCharArray()) {
            depth += c == '<' || c == '(' ? 1 : c == '>' || c == ')' ? -1 : 0;
            count += c == ',' && depth == 0 ? 1 : 0;
        }
        return count;
    }

    private static int bodyEnd(String code, int afterBrace) {
        int depth = 1;
        int i = afterBrace;
        while (depth > 0 && i < code.length()) {
            char c = code.charAt(i++);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
        }
        return i - 1;
    }

    private static int lineOf(String code, int at) {
        return (int) code.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }

    /** The source with string and char literals and comments blanked (line breaks kept), so braces in them don't count. */
    static String blankLiteralsAndComments(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int end = literalOrCommentEnd(s, i);
            if (end == i) {
                out.append(s.charAt(i++));
                continue;
            }
            for (int k = i; k < end; k++) {
                out.append(s.charAt(k) == '\n' ? '\n' : ' ');
            }
            i = end;
        }
        return out.toString();
    }

    /** Where the literal or comment starting at i ends, or i when none starts there. */
    private static int literalOrCommentEnd(String s, int i) {
        if (s.startsWith("//", i)) {
            int nl = s.indexOf('\n', i);
            return nl < 0 ? s.length() : nl;
        }
        if (s.startsWith("/*", i)) {
            return s.indexOf("*/", i + 2) + 2;
        }
        if (s.startsWith("\"\"\"", i)) {
            return s.indexOf("\"\"\"", i + 3) + 3;
        }
        char c = s.charAt(i);
        if (c != '"' && c != '\'') {
            return i;
        }
        int k = i + 1;
        while (s.charAt(k) != c) {
            k += s.charAt(k) == '\\' ? 2 : 1;
        }
        return k + 1;
    }
}
