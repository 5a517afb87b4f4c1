package chat.server.it.web;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The browser tests' accessibility check: axe-core, from npm at the version pinned in
 * {@code src/test/axe/package-lock.json} (the build's {@code npm ci} installs it before the ITs),
 * is injected into the page as it is and run on the whole document. Every violation axe rates
 * serious or critical fails the test, listed by rule, impact, element and axe's summary.
 *
 * <p>Besides axe's default rules (WCAG 2.x A and AA, and best practices) it runs
 * label-content-name-mismatch (WCAG 2.5.3: a control's accessible name contains its visible
 * text), which axe ships switched off as experimental. The moderate best-practice rules for one
 * main landmark and a level-one heading fail too, and a page showing more than one h1 (axe has no
 * rule for that): the issue asked for exactly one of each.
 */
final class Axe {
  /** Moderate rules that fail the check all the same. */
  static final List<String> ALSO_FAILING = List.of("landmark-one-main",
      "landmark-no-duplicate-main", "page-has-heading-one");

  /** Runs axe in the page (async script: the last argument is the callback). */
  private static final String RUN = String.join("\n",
      "const [also, done] = arguments;",
      "const options = { resultTypes: ['violations'],",
      "  rules: { 'label-content-name-mismatch': { enabled: true } } };",
      "const bad = (impact, id) => impact === 'serious' || impact === 'critical'",
      "  || also.includes(id);",
      "const h1s = [...document.querySelectorAll('h1')].filter((h) => h.checkVisibility());",
      "const extra = h1s.length > 1 ? [{ rule: 'one-h1', impact: 'moderate',",
      "  help: 'The page shows exactly one level-one heading', target: h1s.map((h) => '#' + h.id)",
      "  .join(' '), summary: h1s.length + ' h1 elements show' }] : [];",
      "window.axe.run(document, options).then((result) => done(result.violations",
      "  .filter((v) => bad(v.impact, v.id))",
      "  .flatMap((v) => v.nodes.filter((n) => bad(n.impact, v.id)).map((n) => ({",
      "    rule: v.id, impact: n.impact ?? v.impact, help: v.help,",
      "    target: n.target.join(' '),",
      "    summary: (n.failureSummary ?? '').replace(/\\s+/g, ' ').trim() })))",
      "  .concat(extra)),",
      "  (e) => done([{ rule: 'axe-error', impact: 'critical', help: String(e),",
      "    target: '', summary: '' }]));");

  private static String source;

  private Axe() {}

  /** Fails (naming {@code view}) if axe finds a serious or critical problem in the page. */
  @SuppressWarnings("unchecked")
  static void assertAccessible(Browser b, String view) {
    if (!Boolean.TRUE.equals(b.js("return typeof window.axe?.run === 'function';"))) {
      b.js(source() + "\nreturn true;");
    }
    Object found = b.driver.executeAsyncScript(RUN, ALSO_FAILING);
    List<Map<String, Object>> violations = (List<Map<String, Object>>) found;
    if (violations.isEmpty()) {
      return;
    }
    StringBuilder report = new StringBuilder(b.name + ": " + violations.size()
        + " accessibility violation(s) in " + view + ":");
    for (Map<String, Object> v : violations) {
      report.append("\n  ").append(v.get("rule")).append(" (").append(v.get("impact"))
          .append(") at ").append(v.get("target")).append(": ").append(v.get("help"))
          .append(". ").append(v.get("summary"));
    }
    fail(report.toString());
  }

  /** axe.min.js, from -Dchat.axe.js (set by the pom to what npm ci installed). */
  private static synchronized String source() {
    if (source == null) {
      String where = System.getProperty("chat.axe.js", "");
      if (where.isBlank()) {
        fail("-Dchat.axe.js is not set: run the browser tests through Maven (failsafe)");
      }
      Path path = Path.of(where);
      if (!Files.isRegularFile(path)) {
        fail(path + " is missing: the build installs it (npm ci in chat-server-app/src/test/axe)");
      }
      try {
        source = Files.readString(path);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return source;
  }
}
