import pytest

from jinxiu.engines.chain import Firm, Linker, TaxonomyError, read_taxonomy, taxonomy_from_dict


@pytest.fixture(scope="module")
def linker():
    return Linker(read_taxonomy())


def _summary(links):
    return {link.node: (link.grade, [(r.kind, r.value) for r in link.reasons])
            for link in links}


def test_shipped_taxonomy_has_five_levels_and_sources():
    taxonomy = read_taxonomy()
    assert max(taxonomy.level(n.code) for n in taxonomy.nodes) == 5
    assert taxonomy.path("knit_sportswear") == ["tafc", "end_products", "apparel",
                                                "knit_apparel", "knit_sportswear"]
    assert all(n.source for n in taxonomy.nodes)
    assert {"spinning", "weaving", "dyeing", "trims", "footwear", "equipment", "services"} \
        <= set(taxonomy.children["tafc"])


def test_knitwear_firm_main_code_secondary_codes_and_scope_words(linker):
    firm = Firm(1, "1761", ("1821", "1829"), "针织或钩针编织物织造；针织服装制造；服装辅料销售。")
    assert _summary(linker.link(firm)) == {
        # one keyword only: weak (and not counted by the atlas unless a person confirms it)
        "woven_fabric": ("weak", [("scope_keyword", "织造")]),
        "knit_fabric": ("strong", [("main_industry", "1761"), ("scope_keyword", "针织"),
                                   ("scope_keyword", "钩针编织")]),
        # "apparel" (medium, by the secondary codes) is dropped: knit_apparel below it is strong
        "knit_apparel": ("strong", [("secondary_industry", "1821"),
                                    ("secondary_industry", "1829"),
                                    ("scope_keyword", "针织服装")]),
        "knit_sportswear": ("medium", [("secondary_industry", "1821")]),
    }


def test_shoe_firm_and_a_sales_only_keyword(linker):
    firm = Firm(2, "1953", ("1951", "1954"), "塑料鞋、橡胶鞋、纺织面料鞋制造；鞋材销售。")
    assert _summary(linker.link(firm)) == {
        "shoe_materials": ("weak", [("scope_keyword", "鞋材")]),
        "textile_shoes": ("strong", [("secondary_industry", "1951"),
                                     ("scope_keyword", "纺织面料鞋")]),
        "plastic_rubber_shoes": ("strong", [("main_industry", "1953"),
                                            ("secondary_industry", "1954"),
                                            ("scope_keyword", "塑料鞋"),
                                            ("scope_keyword", "橡胶鞋")]),
    }


def test_products_named_in_the_scope_without_any_code(linker):
    firm = Firm(3, "", (), "石棉纺织品销售；运动鞋、鞋底制造")
    links = _summary(linker.link(firm))
    # a product is medium evidence; "石棉纺织品" is not the keyword 棉纺 (word matching)
    assert links["shoe_materials"] == ("medium", [("scope_product", "鞋底")])
    assert links["soles"] == ("weak", [("scope_keyword", "鞋底")])
    # 运动鞋 is a product of 成鞋 and of 塑料鞋与橡胶鞋 below it: the deeper link stays
    assert links["plastic_rubber_shoes"] == ("medium", [("scope_product", "运动鞋")])
    assert "shoes" not in links
    assert "cotton_spinning" not in links


def test_no_evidence_no_link(linker):
    assert linker.link(Firm(4, "", (), "")) == []
    assert linker.link(Firm(5, "3311", (), "金属结构制造")) == []


def test_taxonomy_errors_name_the_node():
    with pytest.raises(TaxonomyError, match="node b: parent x is unknown"):
        taxonomy_from_dict({"nodes": [{"code": "a", "name": "甲"},
                                      {"code": "b", "name": "乙", "parent": "x"}]})
    with pytest.raises(TaxonomyError, match="node a: the code is used twice"):
        taxonomy_from_dict({"nodes": [{"code": "a", "name": "甲",
                                       "children": [{"code": "a", "name": "乙"}]}]})
    with pytest.raises(TaxonomyError, match="node a: keywords must be a list"):
        taxonomy_from_dict({"nodes": [{"code": "a", "name": "甲", "keywords": "棉"}]})


def test_command_line_links_a_csv(tmp_path, capsys):
    from jinxiu.engines.chain.cli import main

    path = tmp_path / "firms.csv"
    path.write_text("id,main_industry,secondary_industries,business_scope\n"
                    "a,1953,1951;1954,塑料鞋制造\n", encoding="utf-8")
    assert main(["link", str(path)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "id,node,grade,reasons"
    assert "a,plastic_rubber_shoes,strong," in "\n".join(lines)
    assert "a,textile_shoes,medium,secondary_industry:1951" in "\n".join(lines)
