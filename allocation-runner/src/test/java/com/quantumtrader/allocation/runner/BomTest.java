package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The BOM (issue 40) has no parent on purpose, so nothing but this test keeps it at the parent's version and modules. */
class BomTest {

    private static Element read(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    }

    private static String child(Element e, String name) {
        NodeList nodes = e.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element c && c.getTagName().equals(name)) {
                return c.getTextContent().trim();
            }
        }
        return null;
    }

    @Test
    void bom_versionAndArtifacts_followTheParentsInstalledModules() throws Exception {
        Element parent = read(Path.of("..", "pom.xml"));
        Element bom = read(Path.of("..", "allocation-bom", "pom.xml"));
        assertEquals(child(parent, "version"), child(bom, "version"), "the BOM's version is the parent's");
        assertEquals(child(parent, "groupId"), child(bom, "groupId"));

        List<String> installed = new ArrayList<>();
        NodeList modules = parent.getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            String m = modules.item(i).getTextContent().trim();
            if (!m.equals("allocation-bom") && !m.equals("allocation-tools")) { // the tools are never installed
                installed.add(m);
            }
        }
        List<String> managed = new ArrayList<>();
        NodeList artifacts = bom.getElementsByTagName("artifactId");
        for (int i = 0; i < artifacts.getLength(); i++) {
            if (((Element) artifacts.item(i).getParentNode()).getTagName().equals("dependency")) {
                managed.add(artifacts.item(i).getTextContent().trim());
            }
        }
        assertEquals(installed, managed, "the BOM manages every installed module, in the reactor's order");
    }
}
