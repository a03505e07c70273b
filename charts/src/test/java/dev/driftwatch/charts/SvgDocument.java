package dev.driftwatch.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** A chart parsed with the JDK's XML parser (so it must be well-formed), queried by XPath. */
final class SvgDocument {
    /** Labels that must not break a chart. */
    static final List<String> HOSTILE =
            List.of(
                    "<script>alert(1)</script>",
                    "\"quoted\" & 'single' </svg>",
                    "nul\u0000in\u0001the\u001fmiddle",
                    "lone \uD800 surrogate \uDFFF and \uFFFE",
                    "]]><!-- -->",
                    "x".repeat(10_000));

    private final Document doc;

    private SvgDocument(Document doc) {
        this.doc = doc;
    }

    static SvgDocument parse(String svg) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document d =
                    f.newDocumentBuilder()
                            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
            assertThat(d.getDocumentElement().getTagName()).isEqualTo("svg");
            return new SvgDocument(d);
        } catch (Exception e) {
            throw new AssertionError("not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** Elements matching an XPath expression. */
    List<Element> all(String xpath) {
        try {
            NodeList nodes =
                    (NodeList)
                            XPathFactory.newInstance()
                                    .newXPath()
                                    .evaluate(xpath, doc, XPathConstants.NODESET);
            List<Element> out = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                out.add((Element) nodes.item(i));
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError(xpath + ": " + e.getMessage(), e);
        }
    }

    /** Elements of a tag with a class attribute exactly {@code cssClass}. */
    int count(String tag, String cssClass) {
        return all("//" + tag + "[@class='" + cssClass + "']").size();
    }

    /** All the text of the document (labels and tooltips). */
    String text() {
        return doc.getDocumentElement().getTextContent();
    }

    /** Every numeric attribute a drawing depends on must be a finite number. */
    void assertFiniteGeometry() {
        for (String attr :
                List.of("x", "y", "width", "height", "x1", "x2", "y1", "y2", "cx", "cy")) {
            for (Element e : all("//*[@" + attr + "]")) {
                String v = e.getAttribute(attr);
                assertThat(Double.isFinite(Double.parseDouble(v)))
                        .as("%s=%s on <%s>", attr, v, e.getTagName())
                        .isTrue();
            }
        }
        for (Element p : all("//path")) {
            assertThat(p.getAttribute("d")).doesNotContain("NaN").doesNotContain("Infinity");
        }
    }
}
