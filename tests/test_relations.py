"""Relations a sentence states (kg/extract/relations.py), one test per rule, with sentences
written for the test from the genre's habits; and their statements in the graph."""
from __future__ import annotations

import pytest

from kg.extract import extract_document
from kg.ingest import read_document

HEAD = "益阳市2026年政府工作报告\n"


def extracted(tmp_path, body: str):
    """The extraction of one report of HEAD + body."""
    path = tmp_path / "yiyang_2026_gov_work_report.txt"
    path.write_text(HEAD + body, encoding="utf-8")
    return extract_document(read_document(path))


def program_figures(ex) -> set[tuple[str, str]]:
    """(program, value) of every figure linked to a program."""
    return {(ex.entities[("Program", o.program)].name, str(o.value)) for o in ex.observations if o.program}


def relations(tmp_path, body: str) -> set[tuple[str, str, str]]:
    ex = extracted(tmp_path, body)

    def name(ref):
        kind, key = ref
        return key.name if kind == "Place" else ex.entities[(kind, key)].name

    out = set()
    for _doc, r in ex.relations:
        assert r.quote and r.quote in body  # every relation carries its quote
        out.add((r.kind, name(r.subject), name(r.object)))
    return out


def test_an_agency_that_leads_a_program(tmp_path):
    got = relations(tmp_path, "2025年，市发展改革委牵头实施“益企同行”专项行动，帮助企业解决问题1200个。")
    assert ("responsible", "“益企同行”专项行动", "益阳市发展和改革委员会") in got


def test_a_program_run_by_an_agency_named_after_you(tmp_path):
    got = relations(tmp_path, "“数字乡村”示范工程由市农业农村局负责，市财政局、市自然资源局配合。")
    assert ("responsible", "“数字乡村”示范工程", "益阳市农业农村局") in got
    assert ("participating", "“数字乡村”示范工程", "益阳市财政局") in got
    assert ("participating", "“数字乡村”示范工程", "益阳市自然资源局") in got


def test_joint_implementers_both_lead_and_a_companion_takes_part(tmp_path):
    got = relations(tmp_path, "由市商务局和市财政局联合实施县域商业体系建设行动。"
                              "市工业和信息化局会同市科技局实施中小企业数字化转型专项行动。")
    assert ("responsible", "县域商业体系建设行动", "益阳市商务局") in got
    assert ("responsible", "县域商业体系建设行动", "益阳市财政局") in got
    assert ("responsible", "中小企业数字化转型专项行动", "益阳市工业和信息化局") in got
    assert ("participating", "中小企业数字化转型专项行动", "益阳市科学技术局") in got


def test_a_program_hosted_by_an_agency(tmp_path):
    got = relations(tmp_path, "省委宣传部主办的“书香湖南”全民阅读活动在我市启动。")
    assert any(k == "responsible" and a == "湖南省委宣传部" for k, _p, a in got)


def test_a_program_inside_another(tmp_path):
    got = relations(tmp_path, "资阳大道改造项目是城市更新行动的子项目。将桃花江水库除险加固工程纳入国家水网骨干工程。")
    assert ("partOf", "资阳大道改造项目", "城市更新行动") in got
    assert ("partOf", "桃花江水库除险加固工程", "国家水网骨干工程") in got


def test_agreements_name_the_government_or_the_place_and_the_other_party(tmp_path):
    got = relations(tmp_path, "市政府与中国建筑集团有限公司签订战略合作协议。我市与中国电信集团有限公司签约共建算力中心。")
    # a known enterprise under its legal name is the one enterprise (中国建筑集团, alias …有限公司)
    assert ("agreement", "益阳市人民政府", "中国建筑集团") in got
    assert ("agreement", "益阳市", "中国电信集团") in got


@pytest.mark.parametrize("body", [
    "市发展改革委和市财政局召开会议，部署全年工作。",  # two agencies, no program
    "我们实施城市更新行动，市住房城乡建设局加强监管。",  # the agency is in another clause
    "市场监管部门与企业签订承诺书。",  # no named organization
])
def test_no_relation_without_both_ends_in_one_statement(tmp_path, body):
    assert not {r for r in relations(tmp_path, body) if r[0] != "superior"}


def test_relations_are_in_the_graph_with_their_quote(tmp_path):
    from kg.extract import extract
    from kg.graph import add_relations, add_shared, new_graph

    path = tmp_path / "yiyang_2026_gov_work_report.txt"
    path.write_text(HEAD + "“数字乡村”示范工程由市农业农村局负责，市财政局配合。", encoding="utf-8")
    doc = read_document(path)
    ex = extract([doc])
    g = new_graph()
    add_shared(g, ex)
    add_relations(g, ex.relations)
    rows = list(g.query("""SELECT ?agency ?quote WHERE {
        ?p gk:responsibleAgency ?a . ?a rdfs:label ?agency .
        ?st rdf:subject ?p ; rdf:predicate gk:responsibleAgency ; rdf:object ?a ; gk:quote ?quote ;
            prov:wasDerivedFrom ?passage }"""))
    assert [(str(a), str(q)) for a, q in rows] == [("益阳市农业农村局", "“数字乡村”示范工程由市农业农村局负责")]
    part = list(g.query("SELECT ?a WHERE { ?p gk:participatingAgency ?x . ?x rdfs:label ?a }"))
    assert [str(r[0]) for r in part] == ["益阳市财政局"]


def test_a_tasks_lead_units_lead_every_program_of_the_item(tmp_path):
    path = tmp_path / "ningxia_2026_gov_work_report.txt"
    path.write_text("宁夏回族自治区2026年政府工作报告\n三、2026年民生实事\n"
                    "5.实施农村供水保障工程；开展老旧小区改造提升行动，惠及居民3万户（牵头单位：水利厅、住建厅）\n",
                    encoding="utf-8")
    ex = extract_document(read_document(path))
    got = {(r.subject[1][-1], ex.entities[r.object].name) for _d, r in ex.relations if r.kind == "responsible"}
    assert ("农村供水保障工程", "宁夏回族自治区水利厅") in got
    assert ("老旧小区改造提升行动", "宁夏回族自治区住房和城乡建设厅") in got
    assert ("Agency", ("宁夏回族自治区水利厅",)) in ex.entities  # the bare 水利厅 is the region's


def built(tmp_path, body: str):
    """A workspace built from one report of HEAD + body, opened."""
    import kg

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "yiyang_2026_gov_work_report.txt").write_text(HEAD + body, encoding="utf-8")
    kg.build(corpus, tmp_path / ".kg")
    return kg.open(tmp_path / ".kg")


@pytest.mark.slow
def test_each_relation_has_a_working_example_query(tmp_path):
    """examples/ has one query per relation; each finds the relation with its quote in a build."""
    from pathlib import Path

    graph = built(tmp_path, "“数字乡村”示范工程由市农业农村局负责，市财政局配合。\n"
                            "开工建设资阳大道改造项目，总投资12.5亿元。资阳大道改造项目是城市更新行动的子项目。\n"
                            "市政府与中国建筑集团有限公司签订战略合作协议。\n"
                            "益阳农业发展集团隶属于市国资委。年产3万吨竹纤维项目在桃江县建成投产。\n")
    examples = Path(__file__).resolve().parent.parent / "examples"

    def rows(name):
        return graph.sparql((examples / f"{name}.rq").read_text(encoding="utf-8"))

    runs = {(r["program"], r["role"], r["agency"]) for r in rows("who_runs_programs")}
    assert runs == {("“数字乡村”示范工程", "牵头/负责", "益阳市农业农村局"), ("“数字乡村”示范工程", "参与", "益阳市财政局")}
    assert [(r["part"], r["program"]) for r in rows("program_parts")] == [("资阳大道改造项目", "城市更新行动")]
    assert [(r["party"], r["partner"]) for r in rows("agreements")] == [("益阳市人民政府", "中国建筑集团")]
    money = rows("program_investment")
    assert [(r["program"], r["value"], r["quote"]) for r in money] == [("资阳大道改造项目", "12.5", "总投资12.5亿元")]
    assert [(r["body"], r["superior"]) for r in rows("superior_bodies")] == [("益阳农业发展集团", "益阳市国有资产监督管理委员会")]
    assert [(r["program"], r["site"], r["within"]) for r in rows("project_sites")] == [("年产3万吨竹纤维项目", "桃江县", "益阳市")]
    for name in ("who_runs_programs", "program_parts", "agreements", "superior_bodies", "project_sites"):
        assert all(r["quote"] and r["doc"] == "yiyang_2026_gov_work_report.txt" for r in rows(name))


@pytest.mark.slow
def test_ask_who_runs_a_program_and_what_an_agency_runs(tmp_path):
    graph = built(tmp_path, "“数字乡村”示范工程由市农业农村局负责，市财政局配合。\n"
                            "市工业和信息化局会同市财政局实施中小企业数字化转型专项行动。\n")
    who = graph.ask("谁负责“数字乡村”示范工程？")
    assert who["answer"].startswith("1. 益阳市农业农村局（牵头/负责）")
    assert who["relations"][0]["quote"] == "“数字乡村”示范工程由市农业农村局负责"
    assert who["passages"] and "市农业农村局负责" in who["passages"][0]["sentence"]
    what = graph.ask("市财政局参与了哪些项目？")
    assert {r["subject"] for r in what["relations"]} == {"“数字乡村”示范工程", "中小企业数字化转型专项行动"}


def test_a_stated_superior_and_a_subsidiary(tmp_path):
    got = relations(tmp_path, "益阳农业发展集团隶属于市国资委。比亚迪股份有限公司全资子公司益阳弗迪电池有限公司投产。")
    assert ("superior", "益阳农业发展集团", "益阳市国有资产监督管理委员会") in got
    assert ("superior", "益阳弗迪电池有限公司", "比亚迪") in got


def test_a_body_whose_name_opens_with_its_parents(tmp_path):
    got = relations(tmp_path, "与中国科学院亚热带农业生态研究所益阳分所、国家统计局益阳调查队、中国农业银行益阳分行合作，"
                              "益阳市中心医院与中南大学湘雅医院签约。")
    assert ("superior", "中国科学院亚热带农业生态研究所益阳分所", "中国科学院亚热带农业生态研究所") in got
    assert ("superior", "中国科学院亚热带农业生态研究所", "中国科学院") in got
    assert ("superior", "国家统计局益阳调查队", "国家统计局") in got
    assert ("superior", "中国农业银行益阳分行", "中国农业银行") in got
    assert not any(r[0] == "superior" and r[1].endswith("医院") for r in got)  # affiliated, not a unit


def test_a_lead_with_its_helpers_before_the_verb(tmp_path):
    got = relations(tmp_path, "由市工业和信息化局牵头、市科技局配合，实施“智赋万企”三年行动。"
                              "由市商务局主办、市贸促会协办首届益阳黑茶博览会。")
    assert ("responsible", "“智赋万企”三年行动", "益阳市工业和信息化局") in got
    assert ("participating", "“智赋万企”三年行动", "益阳市科学技术局") in got
    assert ("responsible", "首届益阳黑茶博览会", "益阳市商务局") in got
    assert ("participating", "首届益阳黑茶博览会", "益阳市贸易促进委员会") in got


def test_the_project_named_before_is_the_one_a_later_clause_assigns(tmp_path):
    got = relations(tmp_path, "实施总投资6.2亿元的资江益阳段水环境综合治理工程，该工程由市水利局组织实施、市生态环境局参与。"
                              "益阳产业发展基金，由市财政局牵头组建。")
    assert ("responsible", "资江益阳段水环境综合治理工程", "益阳市水利局") in got
    assert ("participating", "资江益阳段水环境综合治理工程", "益阳市生态环境局") in got
    assert ("responsible", "益阳产业发展基金", "益阳市财政局") in got


def test_a_host_named_before_its_event_hosts_that_event_not_the_one_before(tmp_path):
    got = relations(tmp_path, "巩固第十五届全国运动会带动效应，由市体育局主办2026“银城之夏”文化旅游季。")
    assert not any(r[1] == "第十五届全国运动会" for r in got)


def test_a_projects_site_as_stated(tmp_path):
    got = relations(tmp_path, "年产3万吨竹纤维项目在桃江县建成投产。总投资12亿元、位于安化县的安化抽水蓄能电站项目开工。"
                              "三一重工在赫山区投资建设的三一益阳产业园二期项目建成。")
    assert ("located", "年产3万吨竹纤维项目", "桃江县") in got
    assert ("located", "安化抽水蓄能电站项目", "安化县") in got
    assert ("located", "三一益阳产业园二期项目", "赫山区") in got


def test_the_money_of_a_project_after_it_starts_and_after_this_project(tmp_path):
    ex = extracted(tmp_path, "益阳南站综合枢纽工程开工，总投资13.8亿元。资阳大道改造项目开工。该项目总投资5.3亿元。")
    money = program_figures(ex)
    assert {("益阳南站综合枢纽工程", "13.8"), ("资阳大道改造项目", "5.3")} <= money


def test_co_hosts_of_a_fair_where_deals_are_signed_made_no_agreement(tmp_path):
    got = relations(tmp_path, "第十届中国（益阳）黑茶博览会由农业农村部、商务部和湖南省人民政府联合主办，现场签约项目43个。")
    assert not any(r[0] == "agreement" for r in got)


def test_money_of_projects_inside_a_program_is_not_the_programs(tmp_path):
    ex = extracted(tmp_path, "全年纳入湖南省“十大产业项目”工程的重大项目完成投资412亿元。")
    assert not [o for o in ex.observations if o.program is not None]


def test_an_agency_with_another_the_other_takes_part(tmp_path):
    got = relations(tmp_path, "市民政局联合市卫生健康委开展“银龄暖心”行动。")
    assert ("responsible", "“银龄暖心”行动", "益阳市民政局") in got
    assert ("participating", "“银龄暖心”行动", "益阳市卫生健康委员会") in got


def test_a_site_named_inside_a_longer_place_name_is_no_site(tmp_path):
    got = relations(tmp_path, "年产30万吨功能性纤维项目在益阳湾示范区竣工。")
    assert not any(r[0] == "located" for r in got)


def test_the_money_of_this_project_is_not_of_one_named_in_another_sentence(tmp_path):
    ex = extracted(tmp_path, "同时签约的还有资阳大道改造项目。湘窖酒业与桃江县签约，实施年产2万吨白酒酿造及储酒能力提升项目，"
                             "该项目总投资22亿元。益阳东部新区、益阳高新区获得奖补资金共计2.4亿元。确保益南高速公路益阳段改扩建工程完成年度投资12亿元。")
    money = program_figures(ex)
    assert not any(v in ("22", "2.4") for _n, v in money)
    assert ("益南高速公路益阳段改扩建工程", "12") in money


def test_the_money_before_a_project_is_labelled_as_its_own(tmp_path):
    ex = extracted(tmp_path, "年产800台智能农机项目建成投产；总投资56亿元的益阳新能源重卡整车基地项目完成主体工程。")
    obs = next(o for o in ex.observations if str(o.value) == "56")
    assert obs.metric == "总投资" and ex.entities[("Program", obs.program)].name == "益阳新能源重卡整车基地项目"


def test_money_before_two_projects_is_neither_ones(tmp_path):
    ex = extracted(tmp_path, "加快总投资36亿元的年产20万吨铝合金零部件项目和年产15万吨高端铝型材项目落地投产。")
    assert not [o for o in ex.observations if o.program is not None and "元" in o.unit]


def test_each_list_item_keeps_its_own_count_and_a_signing_city_is_no_site(tmp_path):
    ex = extracted(tmp_path, "推进“双百双新”项目634个、“万企兴万村”项目856个。资阳大道改造项目在长沙签约，总投资5亿元。")
    counts = program_figures(ex)
    assert ("“万企兴万村”项目", "856") in counts  # the second item's own count
    assert not any(r.kind == "located" for _d, r in ex.relations)


def test_a_projects_investment_is_labelled_as_the_investment_not_the_projects_words(tmp_path):
    ex = extracted(tmp_path, "沅江市船舶制造产业升级项目完成投资9.4亿元。益阳至常德至张家界高速公路益阳段完成投资23.5亿元。"
                             "其中，桃江竹产业科技园四期项目总投资11.2亿元，将建设竹材生产线6条。")
    money = {str(o.value): (o.metric, ex.entities[("Program", o.program)].name) for o in ex.observations if o.program}
    assert money["9.4"][0] == "完成投资" and money["23.5"][0] == "完成投资" and money["11.2"][0] == "总投资"
    assert money["23.5"][1] == "益阳至常德至张家界高速公路益阳段"


def test_the_party_signing_is_the_company_named_in_full_not_its_brand_nor_its_group(tmp_path):
    got = relations(tmp_path, "现场，益阳市人民政府与海尔智家投资控股有限公司签署战略合作协议。桃江县与华润集团下属企业签约食品加工项目。")
    assert ("agreement", "益阳市人民政府", "海尔智家投资控股有限公司") in got
    assert not any(r[0] == "agreement" and r[2] in ("海尔", "华润集团") for r in got)


def test_a_subsidiary_unnamed_after_the_groups_bracketed_short_name_signs(tmp_path):
    got = relations(tmp_path, "桃江县与比亚迪股份有限公司（BYD）下属企业签约动力电池项目，总投资30亿元。")
    assert not any(r[0] == "agreement" for r in got)


def test_the_lead_of_a_sub_project_leads_the_sub_project(tmp_path):
    got = relations(tmp_path, "益阳高新区电子信息产业园二期基础设施工程是电子信息“强链”行动的子项目，由益阳高新区管委会负责实施。")
    assert not any(r[0] == "responsible" and "强链" in r[1] for r in got)

