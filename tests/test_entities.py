"""Agencies and programs: one test per rule, with sentences written for the test from the genre's
naming habits (a Hubei and a Hunan report), not copied from any labelled file."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from kg.extract import extract
from kg.extract.entities import generic_organizations
from kg.ingest import read_document

REPORT = "2026年{place}政府工作报告\n——2026年1月20日在{place}第十四届人民代表大会第四次会议上\n各位代表：\n三、2026年重点工作\n{text}\n"


def extraction(tmp_path, text: str, place="湖北省", name="doc.txt"):
    path = tmp_path / name
    path.write_text(REPORT.format(place=place, text=text), encoding="utf-8")
    return extract([read_document(path)])


def entities(ex, kind):
    return {e.name: e for (k, _key), e in ex.entities.items() if k == kind}


def names(ex, kind):
    return set(entities(ex, kind))


# ------------------------------------------------------------------ agencies

def test_a_department_abbreviation_resolves_to_the_full_body_of_the_documents_place(tmp_path):
    ex = extraction(tmp_path, "省发改委、省住建厅会同省政府办公厅开展专项督查。")
    agencies = entities(ex, "Agency")
    assert {"湖北省发展和改革委员会", "湖北省住房和城乡建设厅"} <= set(agencies)
    assert "省发改委" in agencies["湖北省发展和改革委员会"].aliases
    assert agencies["湖北省发展和改革委员会"].place.name == "湖北省"


def test_a_department_of_a_written_place(tmp_path):
    ex = extraction(tmp_path, "武汉市生态环境局联合襄阳市市场监管局开展执法检查。")
    assert {"武汉市生态环境局", "襄阳市市场监督管理局"} <= names(ex, "Agency")


def test_party_committee_and_government_but_not_a_secretary(tmp_path):
    ex = extraction(tmp_path, "在省委坚强领导下，省政府扎实工作。省委书记到襄阳调研。")
    assert {"湖北省委", "湖北省人民政府"} <= names(ex, "Agency")
    ex = extraction(tmp_path, "省委书记到襄阳调研。")
    assert "湖北省委" not in names(ex, "Agency")


def test_a_department_is_a_sub_organization_of_its_government(tmp_path):
    ex = extraction(tmp_path, "省政府统筹，省财政厅安排资金。")
    assert entities(ex, "Agency")["湖北省财政厅"].parent == "湖北省人民政府"


def test_central_bodies(tmp_path):
    ex = extraction(tmp_path, "国务院批复同意后，海关总署支持设立综合保税区，全面贯彻党中央决策部署。")
    assert {"国务院", "海关总署", "中共中央"} <= names(ex, "Agency")


def test_named_enterprises_and_universities_start_with_a_place(tmp_path):
    ex = extraction(tmp_path, "组建湖北长江产业投资集团，武汉大学新增国家重点实验室2个。")
    assert {"湖北长江产业投资集团", "武汉大学"} <= names(ex, "Agency")


def test_classes_of_organizations_are_not_agencies(tmp_path):
    ex = extraction(tmp_path, "支持上市公司、商业银行和平台公司参与，规上工业公司达到1.2万家，引进一流大学3所。")
    assert not names(ex, "Agency") & generic_organizations()
    assert names(ex, "Agency") <= {"湖北省人民政府"}  # the government, named in the title


def test_a_generic_word_is_not_cut_into_a_body(tmp_path):
    # 城市管理局 is not 市管理局; 新局面 is not a 局
    ex = extraction(tmp_path, "推动城市管理局职能优化，开创发展新局面。")
    assert not any(n.endswith(("市管理局", "发展新局")) and n != "城市管理局" for n in names(ex, "Agency"))


def test_an_institute_written_after_its_parent_is_the_body_named(tmp_path):
    ex = extraction(tmp_path, "与中科院化学所共建实验平台，中国科学院院士3人参与。")
    agencies = names(ex, "Agency")
    assert "中科院化学所" in agencies
    ex = extraction(tmp_path, "武汉大学新增国家重点实验室2个。")
    assert "武汉大学" in names(ex, "Agency")


def test_customs_universities_and_labs_known_by_name(tmp_path):
    ex = extraction(tmp_path, "武汉海关优化通关流程，华中科技大学、鹏城实验室、北大荒集团参与，国家外汇管理局湖北省分局开展试点。")
    assert {"武汉海关", "华中科技大学", "鹏城实验室", "北大荒集团", "国家外汇管理局湖北省分局"} <= names(ex, "Agency")


def test_companies_named_in_a_list_before_enterprises(tmp_path):
    ex = extraction(tmp_path, "支持长飞光纤、华工科技、烽火通信等龙头企业做大做强，推动汽车、钢铁、化工等企业转型。")
    agencies = names(ex, "Agency")
    assert {"长飞光纤", "华工科技", "烽火通信"} <= agencies
    assert not {"汽车", "钢铁", "化工"} & agencies


# ------------------------------------------------------------------ programs

def test_a_name_ending_in_a_program_head(tmp_path):
    ex = extraction(tmp_path, "深入实施荆楚英才计划和县域经济振兴行动，建成鄂西北水资源配置工程。")
    assert {"荆楚英才计划", "县域经济振兴行动", "鄂西北水资源配置工程"} <= names(ex, "Program")


def test_a_head_after_generic_words_names_nothing(tmp_path):
    ex = extraction(tmp_path, "抓好重大项目和民生工程，加快新型储能项目建设，落实宏观政策。")
    assert names(ex, "Program") == set()


def test_quoted_name_with_a_head_and_quoted_brands_in_a_list(tmp_path):
    ex = extraction(tmp_path, "实施“楚才回家”计划，“孝感麻糖”“潜江龙虾”等区域公用品牌影响力扩大，打造“鄂货通”。")
    assert {"“楚才回家”计划", "“孝感麻糖”", "“潜江龙虾”", "“鄂货通”"} <= names(ex, "Program")


def test_a_name_quoted_whole_with_its_own_head_is_named_without_the_quotes(tmp_path):
    ex = extraction(tmp_path, "（三）实施“县域商业提质行动”。深入推进“专精特新企业培育计划”，力争新增企业80家。", place="黄石市")
    programs = names(ex, "Program")
    assert {"县域商业提质行动", "专精特新企业培育计划"} <= programs
    assert not any(p.startswith("“") and p.endswith("”") for p in programs)


def test_quoted_figures_of_speech_and_classes_are_not_programs(tmp_path):
    ex = extraction(tmp_path, "发挥工业“压舱石”作用，新增“小巨人”企业12家，实现“应保尽保”。")
    assert names(ex, "Program") == set()


def test_items_of_a_list_share_the_head(tmp_path):
    ex = extraction(tmp_path, "建成沿江、荆荆高铁，开工建设武宜、襄荆铁路，加快丹江、竹山等抽水蓄能电站建设。")
    programs = entities(ex, "Program")
    assert {"沿江高铁", "荆荆高铁", "武宜铁路", "襄荆铁路"} <= set(programs)
    assert "沿江" in programs["沿江高铁"].aliases


def test_a_list_of_fields_is_not_a_list_of_names(tmp_path):
    ex = extraction(tmp_path, "加强交通、水利、能源等专业工程建设，优化能耗、煤耗、碳排放替代政策。")
    assert not {"交通专业工程", "能耗政策", "煤耗政策"} & names(ex, "Program")


def test_a_period_is_not_the_plan_and_a_subject_is_not_part_of_an_event(tmp_path):
    ex = extraction(tmp_path, "“十五五”时期经济年均增长5%左右。湖北在全运会上获金牌12枚。")
    assert not {"十五五规划"} & names(ex, "Program")
    assert not any(n.startswith("湖北在") for n in names(ex, "Program"))


def test_a_bare_city_before_a_program_is_the_documents_city(tmp_path):
    ex = extraction(tmp_path, "建成市现代农业示范园项目。", place="宜昌市")
    program = entities(ex, "Program")["宜昌市现代农业示范园项目"]
    assert "市现代农业示范园项目" in program.aliases


def test_a_place_in_brackets_is_part_of_the_name_and_its_place(tmp_path):
    ex = extraction(tmp_path, "支持中国（湖南）自由贸易试验区岳阳片区建设。")
    program = entities(ex, "Program")["中国（湖南）自由贸易试验区岳阳片区"]  # the zone's area is part of it
    assert program.place.name == "湖南省"


def test_named_events_with_a_year(tmp_path):
    ex = extraction(tmp_path, "办好2026中国光谷国际光电子博览会和武汉马拉松。")
    assert "2026中国光谷国际光电子博览会" in names(ex, "Program")


def test_short_names_of_fairs_and_projects_with_a_phase(tmp_path):
    ex = extraction(tmp_path, "办好第五届鄂博会、华中农高会，推动长江存储三期项目、中国—东盟产业合作区建设。")
    programs = names(ex, "Program")
    assert {"鄂博会", "华中农高会"} & programs and "长江存储三期项目" in programs
    assert "中国—东盟产业合作区" in programs


def test_metro_lines_and_their_phases(tmp_path):
    ex = extraction(tmp_path, "建成地铁12号线，加快11号线东延段、19号线二期建设，开工宜昌至荆门城际。", place="武汉市")
    assert {"地铁12号线", "11号线东延段", "19号线二期"} <= names(ex, "Program")


def test_the_main_works_of_a_project_and_an_organization_named_like_a_line(tmp_path):
    ex = extraction(tmp_path, "推进鄂州花湖国际机场主体工程，配合中国国家铁路集团开展前期工作。")
    programs = names(ex, "Program")
    assert "鄂州花湖国际机场" in programs and not any("国家铁路" in n for n in programs)


def test_a_congress_is_not_an_event(tmp_path):
    ex = extraction(tmp_path, "提请湖北省第十四届人民代表大会审议。")
    assert not names(ex, "Program")


def test_named_events_with_an_ordinal(tmp_path):
    ex = extraction(tmp_path, "办好第五届省运会和中国中部投资贸易博览会。")
    assert {"第五届省运会", "中国中部投资贸易博览会"} <= names(ex, "Program")


def test_nationwide_programs_are_one_entity_for_the_corpus(tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "hubei.txt").write_text(REPORT.format(place="湖北省", text="积极融入共建“一带一路”，实施城市更新行动，实施荆楚英才计划。"),
                                 encoding="utf-8")
    (b / "hunan.txt").write_text(REPORT.format(place="湖南省", text="高质量推进城市更新，深度参与“一带一路”建设，实施荆楚英才计划。"),
                                 encoding="utf-8")
    ex = extract([read_document(a / "hubei.txt"), read_document(b / "hunan.txt")])
    programs = [e for (k, _), e in ex.entities.items() if k == "Program"]
    by_name = {}
    for e in programs:
        by_name.setdefault(e.name, []).append(e)
    assert len(by_name["城市更新行动"]) == 1 and by_name["城市更新行动"][0].national
    assert len(by_name["一带一路"]) == 1
    # a local program is one entity per place: the same name in two provinces stays two
    assert sorted(e.place.name for e in by_name["荆楚英才计划"]) == ["湖北省", "湖南省"]


def test_a_nationwide_name_inside_a_longer_noun_is_not_the_program(tmp_path):
    ex = extraction(tmp_path, "创建国家乡村振兴示范县2个。")
    assert "乡村振兴战略" not in names(ex, "Program")


def test_a_local_program_takes_the_place_written_before_it(tmp_path):
    ex = extraction(tmp_path, "支持襄阳市实施汉江流域综合治理工程。")
    assert entities(ex, "Program")["汉江流域综合治理工程"].place.name == "襄阳市"
    ex = extraction(tmp_path, "实施汉江流域综合治理工程。")
    assert entities(ex, "Program")["汉江流域综合治理工程"].place.name == "湖北省"


# ------------------------------------------------------------------ relations

def test_the_agency_that_runs_a_program(tmp_path):
    ex = extraction(tmp_path, "省科技厅牵头实施光谷科创大走廊建设行动，省教育厅参与。")
    runs = {(r.kind, r.subject[1][-1], r.object[1][-1]) for _doc, r in ex.relations}
    assert runs == {("responsible", "光谷科创大走廊建设行动", "湖北省科学技术厅"),
                    ("participating", "光谷科创大走廊建设行动", "湖北省教育厅")}


def test_an_agency_in_another_clause_does_not_run_the_program(tmp_path):
    ex = extraction(tmp_path, "省教育厅发布通知，实施银龄讲学计划。")
    assert "银龄讲学计划" in entities(ex, "Program")
    assert not ex.relations


def test_a_figure_of_a_program_is_linked_to_it(tmp_path):
    ex = extraction(tmp_path, "实施“万企兴万村”项目856个，完成投资120亿元。")
    linked = [(o.value, o.program) for o in ex.observations if o.program]
    assert any(v == Decimal("856") and key[-1] == "“万企兴万村”项目" for v, key in linked), linked


@pytest.mark.slow
def test_no_generic_class_is_an_agency_of_the_bundled_corpus(kgraph):
    rows = kgraph.sparql("SELECT ?label WHERE { ?a a gk:Agency ; rdfs:label ?label }")
    labels = {r["label"] for r in rows}
    assert labels, "the bundled corpus names agencies"
    generic = generic_organizations() | {"规上工业公司", "商业银行", "平台公司", "上市公司", "一流大学", "国企集团",
                                         "科创集团", "数据产业公司"}
    assert not {label for label in labels if label in generic or any(label.endswith(g) and len(label) - len(g) <= 1 for g in generic)}


@pytest.mark.slow
def test_example_query_lists_a_places_programs_with_their_agencies(tmp_path):
    import kg
    from pathlib import Path

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "report.txt").write_text(REPORT.format(
        place="郑州市", text="市工信局牵头实施中小企业数字化赋能行动，市商务局组织开展“郑品出海”行动。"
                          "实施城市更新行动。"), encoding="utf-8")
    ws = tmp_path / ".kg"
    kg.build(corpus, ws)
    query = (Path(__file__).resolve().parent.parent / "examples" / "programs_of_place.rq").read_text(encoding="utf-8")
    rows = {r["program"]: r for r in kg.open(ws).sparql(query)}
    assert rows["中小企业数字化赋能行动"]["agencies"] == "郑州市工业和信息化局"
    assert rows["“郑品出海”行动"]["agencies"] == "郑州市商务局"
    assert "城市更新行动" not in rows  # nationwide, no place


# ------------------------------------------------------------------ unseen kinds of names (#31)

def test_a_zone_named_by_its_place_and_what_a_zone_signed_is_no_name(tmp_path):
    ex = extraction(tmp_path, "岳阳经开区营业收入增长8%，城陵矶综合保税区进出口增长15%，岳阳经开区新签约项目42个，全市经开区税收增长。",
                    place="岳阳市")
    programs = names(ex, "Program")
    assert {"岳阳经开区", "城陵矶综合保税区"} <= programs
    assert not any("签约" in p or p.startswith("全市") for p in programs)


def test_a_project_named_by_its_capacity_and_a_line_of_production(tmp_path):
    ex = extraction(tmp_path, "华菱钢铁年产200万吨冷轧板项目建成投产，年产8GWh储能电池生产线开工。", place="岳阳市")
    assert {"年产200万吨冷轧板项目", "年产8GWh储能电池生产线"} <= names(ex, "Program")


def test_a_city_metro_line_a_wetland_park_and_a_wind_farm(tmp_path):
    ex = extraction(tmp_path, "长沙地铁6号线东延段开通，全年洋湖湿地公园接待游客300万人次，平江风电场二期并网。", place="长沙市")
    programs = names(ex, "Program")
    assert {"长沙地铁6号线东延段", "洋湖湿地公园", "平江风电场二期"} <= programs
    assert not any(p.startswith("全年") for p in programs)


def test_a_nationwide_program_before_and_and_after_a_verb_of_frequency(tmp_path):
    ex = extraction(tmp_path, "主动融入长江经济带发展和粤港澳大湾区建设，加密中欧班列（长沙）开行频次，争取山水林田湖草项目资金2亿元。",
                    place="长沙市")
    programs = entities(ex, "Program")
    assert {"长江经济带发展", "粤港澳大湾区建设", "中欧班列", "山水林田湖草沙一体化保护和修复工程"} <= set(programs)
    assert programs["中欧班列"].national and "加密中欧班列" not in programs


def test_a_policy_cited_by_its_title_is_a_program_a_report_is_not(tmp_path):
    ex = extraction(tmp_path, "印发《长沙市推动低空经济高质量发展三年行动方案（2026—2028年）》，落实《政府工作报告》和"
                              "《关于做好春节期间安全生产工作的通知》。", place="长沙市")
    programs = names(ex, "Program")
    assert "长沙市推动低空经济高质量发展三年行动方案（2026—2028年）" in programs
    assert not any("报告" in p or "通知" in p for p in programs)


def test_a_bare_free_trade_zone_is_the_provinces_own_if_it_has_one(tmp_path):
    ex = extraction(tmp_path, "自贸试验区全年新设企业1.2万家。复制推广自贸试验区改革经验。", place="长沙市")
    programs = entities(ex, "Program")
    assert set(programs) == {"中国（湖南）自由贸易试验区"}
    assert programs["中国（湖南）自由贸易试验区"].place.name == "湖南省"
    ex = extraction(tmp_path, "自贸试验区全年新设企业1.2万家。", place="贵阳市")  # Guizhou has no pilot zone
    assert names(ex, "Program") == set()


def test_a_zone_designation_after_de_is_still_its_name(tmp_path):
    ex = extraction(tmp_path, "成功争取全省唯一的国家级普惠金融改革示范区落地浏阳市。高水平的开放合作示范区。", place="长沙市")
    programs = names(ex, "Program")
    assert "国家级普惠金融改革示范区" in programs
    assert "开放合作示范区" not in programs


def test_a_list_of_fields_before_bare_projects_names_no_project(tmp_path):
    ex = extraction(tmp_path, "开展城市公交、生活供水、垃圾焚烧等项目成本绩效分析，建成投产鲤鱼江、金竹山等火电项目。", place="长沙市")
    programs = names(ex, "Program")
    assert not any(p in programs for p in ("城市公交项目", "生活供水项目", "垃圾焚烧项目"))
    assert {"鲤鱼江火电项目", "金竹山火电项目"} <= programs


def test_the_city_government_after_a_verb_but_not_inside_a_word(tmp_path):
    ex = extraction(tmp_path, "我代表市人民政府向大会报告工作。全市政府债务限额120亿元，城市管理局开展执法。", place="岳阳市")
    agencies = names(ex, "Agency")
    assert "岳阳市人民政府" in agencies
    assert names(ex, "Program") == set()  # 代表…向大会 is no event


def test_merged_bureaus_and_peoples_organizations(tmp_path):
    ex = extraction(tmp_path, "市文化广电旅游体育局、市水利和湖泊局、市工商联、市贸促会共同参与。", place="岳阳市")
    assert {"岳阳市文化广电旅游体育局", "岳阳市水利和湖泊局", "岳阳市工商业联合会", "岳阳市贸易促进委员会"} <= names(ex, "Agency")


def test_a_zone_committee_is_an_agency_not_a_program(tmp_path):
    ex = extraction(tmp_path, "各县市区人民政府，岳阳经开区管委会、南湖旅游度假区管理委员会，市直有关单位：", place="岳阳市")
    assert {"岳阳经开区管委会", "南湖旅游度假区管理委员会"} <= names(ex, "Agency")
    assert not {"岳阳经开区", "南湖旅游度假区"} & names(ex, "Program")


def test_survey_teams_supervision_branches_and_full_legal_names(tmp_path):
    ex = extraction(tmp_path, "国家统计局岳阳调查队、岳阳金融监管分局、湖南岳阳农村商业银行股份有限公司参加会议。", place="岳阳市")
    assert {"国家统计局岳阳调查队", "岳阳金融监管分局", "湖南岳阳农村商业银行股份有限公司"} <= names(ex, "Agency")
    assert "湖南岳阳农村商业银行" not in names(ex, "Agency")


def test_a_groups_name_before_its_subsidiarys_place(tmp_path):
    ex = extraction(tmp_path, "支持中车株洲电力机车有限公司扩产，博世（湖南）汽车部件有限公司投产。", place="株洲市")
    agencies = names(ex, "Agency")
    assert {"中车株洲电力机车有限公司", "博世（湖南）汽车部件有限公司"} <= agencies
    assert "株洲电力机车有限公司" not in agencies


def test_listed_companies_with_latin_names_and_legal_names(tmp_path):
    ex = extraction(tmp_path, "引进ABB、霍尼韦尔等外资企业，支持三一重工、湖南华菱湘潭钢铁有限公司等本地企业扩产，"
                              "推动专精特新、高新技术等科技型企业上云。", place="湘潭市")
    agencies = names(ex, "Agency")
    assert {"ABB", "霍尼韦尔", "湖南华菱湘潭钢铁有限公司"} <= agencies
    assert not {"专精特新", "高新技术"} & agencies


# ------------------------------------------------------------------ from an audit of unseen documents (#31)

def test_in_a_county_level_citys_report_shi_is_that_city(tmp_path):
    ex = extraction(tmp_path, "我代表市人民政府向大会报告工作，请市政协委员提出意见。市发展改革委牵头推进。", place="浏阳市")
    agencies = names(ex, "Agency")
    assert {"浏阳市人民政府", "浏阳市发展和改革委员会"} <= agencies
    assert not any(a.startswith("长沙市") for a in agencies)
    assert not any("政治协商" in a for a in agencies)  # 政协委员 are people


def test_clause_words_before_a_head_name_nothing(tmp_path):
    ex = extraction(tmp_path, "全市公路里程2.1万公里，其中高速公路里程530公里。我们也清醒看到计划执行中存在的问题。"
                              "工商银行长沙分行全年向重点项目发放贷款120亿元，三年内计划授信500亿元。"
                              "锚定建设国际一流先进制造业基地核心区目标，集中财力保障重大战略。", place="长沙市")
    assert names(ex, "Program") == set()


def test_a_site_after_this_project_is_the_name(tmp_path):
    ex = extraction(tmp_path, "中联重科智能装备项目签约，该项目位于长沙经开区星沙产业园。", place="长沙市")
    programs = names(ex, "Program")
    assert "长沙经开区星沙产业园" in programs
    assert not any("该项目" in p or "位于" in p for p in programs)


def test_a_quoted_names_phase_prefix_and_its_own_head(tmp_path):
    ex = extraction(tmp_path, "实施“三北”工程湘江“一江两岸”提升工程，浏阳“花炮小镇”产业园二期项目开工。"
                              "南湖排涝泵站作为“海绵城市建设工程”的子项目，年内完工。", place="长沙市")
    programs = names(ex, "Program")
    assert {"湘江“一江两岸”提升工程", "海绵城市建设工程"} <= programs
    assert any(p.endswith("“花炮小镇”产业园二期项目") for p in programs)
    assert not any(p.endswith("的子项目") for p in programs)


def test_a_projects_phase_before_its_capacity_or_in_brackets(tmp_path):
    ex = extraction(tmp_path, "湖南石化二期年产60万吨乙烯项目中交，总投资120亿元的长沙煤化工基地项目（二期）开工。", place="长沙市")
    programs = names(ex, "Program")
    assert "二期年产60万吨乙烯项目" in programs
    assert "长沙煤化工基地项目（二期）" in programs


def test_counted_kinds_of_projects_are_no_names(tmp_path):
    ex = extraction(tmp_path, "完成老旧街区改造提升项目15个。成为全省规模较大的“渔光互补”项目之一。"
                              "建立市领导联系重点项目制度。", place="长沙市")
    assert names(ex, "Program") == set()


def test_an_area_before_a_zone_in_a_list_keeps_its_own_name(tmp_path):
    ex = extraction(tmp_path, "南岸片区、滨江新区城市更新项目完成投资12亿元。", place="长沙市")
    assert not any(p.startswith("南岸片区") and p.endswith("新区") for p in names(ex, "Program"))


def test_a_programs_place_is_the_one_it_opens_with_and_never_across_a_comma(tmp_path):
    ex = extraction(tmp_path, "平江县、浏阳市油茶示范基地扩大到20万亩。以宁乡市、浏阳市为重点，实施油茶提质增效行动。",
                    place="长沙市")
    programs = entities(ex, "Program")
    assert programs["浏阳市油茶示范基地"].place.name == "浏阳市"
    assert programs["油茶提质增效行动"].place.name == "长沙市"


def test_a_committees_name_does_not_open_with_you(tmp_path):
    ex = extraction(tmp_path, "富硒产业园二期由长沙高新区管委会负责组织实施。", place="长沙市")
    assert "长沙高新区管委会" in names(ex, "Agency")
    assert not any(a.startswith("由") for a in names(ex, "Agency"))


def test_a_school_builds_a_base_named_without_its_verb(tmp_path):
    ex = extraction(tmp_path, "支持长沙职业技术学院建设智能制造实训基地。", place="长沙市")
    assert "智能制造实训基地" in names(ex, "Program")
    assert not any(p.startswith("建设") for p in names(ex, "Program"))


def test_a_groups_company_of_a_place_under_the_groups_name(tmp_path):
    ex = extraction(tmp_path, "湖南钢铁集团涟源钢铁集团有限公司与娄底市人民政府签约。", place="娄底市")
    agencies = entities(ex, "Agency")
    assert "湖南钢铁集团涟源钢铁集团有限公司" in agencies
    assert "涟源钢铁集团有限公司" not in agencies


def test_a_rank_a_season_a_plan_word_and_policy_wording_name_nothing(tmp_path):
    ex = extraction(tmp_path, "宁乡花卉苗木产业园入选省级现代农业产业园。长沙市2026年春季重大项目集中开工。"
                              "完成年度投资计划的110%。落实“强省会”各项政策。", place="长沙市")
    programs = names(ex, "Program")
    assert "宁乡花卉苗木产业园" in programs
    assert not any(p.startswith("省级") or "春季" in p or "投资计划" in p or "各项政策" in p for p in programs)


@pytest.mark.parametrize("text, place, built", [
    ("支持蓝思科技在浏阳经开区建设智能终端产业园三期工程，湘江新区建设岳麓山大学科技城二期项目。", "长沙市",
     {"智能终端产业园三期工程", "岳麓山大学科技城二期项目"}),  # what a zone or a company builds
    ("支持长城汽车在保定建设全球研发中心二期工程，在涿州市、高碑店市规划建设汽车零部件配套产业园。", "保定市",
     {"全球研发中心二期工程", "汽车零部件配套产业园"}),  # what is planned and built in a place
])
def test_what_is_built_is_the_name(tmp_path, text, place, built):
    programs = names(extraction(tmp_path, text, place=place), "Program")
    assert built <= programs
    assert not any("建设" in p for p in programs)


def test_an_owner_written_before_its_building_stays_in_the_name(tmp_path):
    ex = extraction(tmp_path, "专项债券用于长沙市第一医院医技综合楼工程等12个项目，推动三一集团智能装备产业园项目纳入计划。",
                    place="长沙市")
    programs = entities(ex, "Program")
    assert "长沙市第一医院医技综合楼工程" in programs
    assert "医技综合楼工程" in programs["长沙市第一医院医技综合楼工程"].aliases
    assert "三一集团智能装备产业园项目" in programs


def test_a_weak_head_gives_way_to_the_head_after_it(tmp_path):
    ex = extraction(tmp_path, "实施“湘赣红”品牌提升行动，实施科技“攀登”行动重大项目30个。", place="长沙市")
    programs = names(ex, "Program")
    assert "“湘赣红”品牌提升行动" in programs
    assert not any(p.endswith("重大项目") for p in programs)


def test_a_provinces_program_named_in_a_city_report(tmp_path):
    ex = extraction(tmp_path, "其中纳入湖南省扩大有效投资“十大产业项目”工程的项目18个。", place="长沙市")
    programs = entities(ex, "Program")
    assert next(p for n, p in programs.items() if "十大产业项目" in n).place.name == "湖南省"


def test_a_brand_opening_another_bodys_name_is_that_body(tmp_path):
    ex = extraction(tmp_path, "中国船舶工业行业协会协办，中远海运川崎船舶工程有限公司完工交付，招商局集团下属招商局重工（江苏）有限公司交船2艘。",
                    place="南通市")
    agencies = names(ex, "Agency")
    assert {"中国船舶工业行业协会", "中远海运川崎船舶工程有限公司", "招商局重工（江苏）有限公司"} <= agencies
    assert not any(a.startswith("江苏）") for a in agencies)


def test_a_figure_of_speech_a_kind_of_project_and_a_routine_are_no_programs(tmp_path):
    ex = extraction(tmp_path, "坚持把招商引资作为“一号工程”。同时签约的还有一批“链上”项目。建立“日调度、周通报”工作机制。"
                              "组织开展小龙虾产业链专题招商活动。持续开展重大项目建设年活动。", place="盐城市")
    assert names(ex, "Program") == {"重大项目建设年活动"}


def test_a_national_strategy_named_with_its_kind_and_a_national_form_before_a_quote(tmp_path):
    ex = extraction(tmp_path, "深入实施长三角一体化发展国家战略，实施乡村振兴“百村示范、千村提升”工程。", place="南通市")
    programs = entities(ex, "Program")
    assert programs["长三角一体化发展"].national
    assert "乡村振兴“百村示范、千村提升”工程" in programs
    assert "乡村振兴战略" not in programs


def test_round_counts_metaphors_verbs_and_plan_words_around_names(tmp_path):
    ex = extraction(tmp_path, "支持企业承担省级重点研发计划。举办四期“三个一批”项目建设活动。完成年度工作计划。引来“金融活水”。"
                              "坚决扛稳南水北调中线工程水质安全责任。一期工程计划2027年建成投产。实施城市更新项目16个。",
                    place="信阳市")
    programs = entities(ex, "Program")
    assert set(programs) == {"“三个一批”项目建设活动", "南水北调中线工程"}
    assert programs["南水北调中线工程"].national


def test_a_latin_name_with_a_hyphen_and_an_office_of_a_company(tmp_path):
    ex = extraction(tmp_path, "彩虹集团TFT-LCD玻璃基板二期工程开工，安徽省农业信贷融资担保有限公司阜阳办事处参会。", place="阜阳市")
    assert any(p.endswith("TFT-LCD玻璃基板二期工程") for p in names(ex, "Program"))
    assert "安徽省农业信贷融资担保有限公司阜阳办事处" in names(ex, "Agency")


def test_districts_before_a_shared_zone_head_are_no_zones(tmp_path):
    ex = extraction(tmp_path, "主会场设在商丘，梁园区、睢阳区等新区设分会场。", place="商丘市")
    assert not any(p.endswith("区新区") for p in names(ex, "Program"))


def test_round_5_names_a_region_as_a_place_and_verbs_inside_names(tmp_path):
    ex = extraction(tmp_path, "在西部陆海新通道海铁联运领域开展合作。赴粤港澳大湾区、长三角开展招商。北流经济开发区新建标准厂房18万平方米。"
                              "新建“荔枝名片”基地10个。铝产业示范基地入选国家级新型工业化产业示范基地名单。"
                              "灵山县签约平陆运河旧州作业区配套物流园。完成智能化改造煤矿12座。", place="玉林市")
    programs = entities(ex, "Program")
    assert programs["西部陆海新通道"].national
    assert "粤港澳大湾区建设" not in programs
    assert not any(p.startswith(("新建", "国家级", "灵山县签约", "智能化")) or p.endswith("新建") for p in programs)
    assert "平陆运河旧州作业区配套物流园" in programs


def test_a_base_before_a_capacity_names_the_project(tmp_path):
    ex = extraction(tmp_path, "推动太阳纸业北海基地年产30万吨溶解浆项目开工。", place="北海市")
    assert "太阳纸业北海基地年产30万吨溶解浆项目" in names(ex, "Program")


def test_a_supply_bureau_and_a_provinces_design_institute_under_their_groups(tmp_path):
    ex = extraction(tmp_path, "南方电网广西电网公司玉林供电局承建，中国能建广西院协办。", place="玉林市")
    agencies = names(ex, "Agency")
    assert {"南方电网广西电网公司玉林供电局", "中国能建广西院"} <= agencies


def test_round_6_pronouns_titles_fields_periods_and_towns(tmp_path):
    ex = extraction(tmp_path, "其新能源机车产业化项目二期工程开工。纳入《鞍山市制造业数字化转型重点项目库》。"
                              "在石化、新能源、城市更新等领域加大信贷投放。熊岳镇建设果树良种繁育基地。落实结构性减税降费政策。"
                              "推进“十五五”开局之年项目建设。", place="鞍山市")
    programs = names(ex, "Program")
    assert "新能源机车产业化项目二期工程" in programs
    assert not any(p.startswith("其") or "重点项目" == p[-4:] and "库" not in p for p in programs)
    assert not {"城市更新行动", "结构性减税降费政策"} & programs
    assert not any("建设" in p or "开局之年" in p for p in programs)


def test_review_names_that_hold_verbs_of_their_own(tmp_path):
    ex = extraction(tmp_path, "实施保障性安居工程，推进海绵城市建设示范工程，发展向海经济示范区。各县区人民政府，高新区管委会：",
                    place="北海市")
    programs = names(ex, "Program")
    assert {"保障性安居工程", "海绵城市建设示范工程"} <= programs
    assert "北海市高新区管委会" in names(ex, "Agency")  # a bare zone committee is this city's


def test_an_item_with_its_own_head_keeps_it_and_a_long_project_keeps_its_supporting_works(tmp_path):
    ex = extraction(tmp_path, "首钢水钢集团高炉煤气清洁利用热电联产一体化示范项目配套升级工程、六盘水高新区新材料产业园二期工程"
                              "等一批重点项目加快推进。", place="六盘水市")
    programs = names(ex, "Program")
    assert not any(p.endswith("工程新区") for p in programs)
    assert "首钢水钢集团高炉煤气清洁利用热电联产一体化示范项目配套升级工程" in programs


def test_verbs_adverbs_money_and_prepositions_open_no_name(tmp_path):
    ex = extraction(tmp_path, "积极申建赣州综合保税区二期。安排资金5000万元支持赣州国际陆港建设。"
                              "论坛由瑞金经济技术开发区承办。旅客数据来自赣州黄金机场。", place="赣州市")
    programs = names(ex, "Program")
    assert {"赣州综合保税区二期", "瑞金经济技术开发区", "赣州黄金机场"} <= programs
    assert not any(re.match(r"积极|申建|资金|由", p) or "来自" in p or "支持" in p for p in programs)


def test_a_working_mine_being_upgraded_is_no_program_but_a_mine_being_built_is(tmp_path):
    ex = extraction(tmp_path, "国家能源集团补连塔煤矿、上湾煤矿智能化升级改造全面完成。加快巴彦高勒、红庆梁等煤矿建设。",
                    place="鄂尔多斯市")
    programs = names(ex, "Program")
    assert not any("补连塔" in p or "上湾" in p for p in programs)
    assert {"巴彦高勒煤矿", "红庆梁煤矿"} <= programs


def test_a_park_named_again_by_its_last_words_is_the_same_park(tmp_path):
    ex = extraction(tmp_path, "大余县“赣南脐橙”精深加工产业园等项目开工，其中精深加工产业园由县农业农村局组织实施。", place="赣州市")
    programs = entities(ex, "Program")
    assert "精深加工产业园" not in programs
    full = next(p for n, p in programs.items() if n.endswith("“赣南脐橙”精深加工产业园"))
    assert "精深加工产业园" in full.aliases


def test_a_universitys_institute_in_a_city_a_banks_branch_and_an_affiliated_hospital_keep_their_full_names(tmp_path):
    ex = extraction(tmp_path, "湖南农业大学与益阳市人民政府共建湖南农业大学益阳茶叶产业技术研究院。"
                              "湖南银行安化支行为园区中小企业发放贷款2亿元。"
                              "吉首大学附属仁和医院、湘西州人民医院门诊楼建设加快推进。", place="湖南省")
    agencies = names(ex, "Agency")
    assert {"湖南农业大学益阳茶叶产业技术研究院", "湖南银行安化支行", "吉首大学附属仁和医院"} <= agencies
    assert "益阳茶叶产业技术研究院" not in agencies and "吉首大学" not in agencies


def test_a_parks_works_project_a_roads_extension_section_and_a_national_policy(tmp_path):
    ex = extraction(tmp_path, "益阳中南机械产业园扩建项目竣工。推动湘茶集团黑茶文化产业园提质项目建成投产。"
                              "益阳大道至东部新区快速路延伸段、龙洲路北延工程等3条道路同步开工。"
                              "落实就业优先政策，新增城镇就业4500人以上。", place="益阳市")
    programs = entities(ex, "Program")
    assert {"湘茶集团黑茶文化产业园提质项目", "益阳大道至东部新区快速路延伸段"} <= set(programs)
    assert "湘茶集团黑茶文化产业园" not in programs and "益阳大道至东部新区" not in programs
    assert programs["就业优先政策"].place is None  # the nation's policy that the city carries out


def test_then_opens_no_name(tmp_path):
    ex = extraction(tmp_path, "二期项目计划于2027年建成投产，届时公司益阳基地将成为全省最大的电池生产基地之一。", place="益阳市")
    assert not any(n.startswith(("届时", "公司")) for n in names(ex, "Program"))


# ------------------------------------------------------------------ audit round 8 (written for the rules)

def test_a_universitys_bracketed_campus_is_part_of_its_name(tmp_path):
    ex = extraction(tmp_path, "推动十堰市农科院与中国地质大学（武汉）共建生态修复联合实验室。")
    assert "中国地质大学（武汉）" in names(ex, "Agency")
    assert "中国地质大学" not in names(ex, "Agency")


def test_a_hospitals_campus_project_is_no_sub_body(tmp_path):
    ex = extraction(tmp_path, "南华大学附属医院岳塘院区二期、衡阳市中心医院急诊楼等项目开工建设。", place="湖南省")
    assert not any(n.endswith("岳塘院") for n in names(ex, "Agency"))


def test_a_steel_groups_short_name_before_its_company_of_a_place(tmp_path):
    ex = extraction(tmp_path, "首钢长治钢铁有限公司高炉煤气发电二期工程正式开工。", place="山西省")
    assert "首钢长治钢铁有限公司" in names(ex, "Agency")
    assert "长治钢铁有限公司" not in names(ex, "Agency")


def test_a_place_and_its_verb_do_not_open_a_programs_name(tmp_path):
    ex = extraction(tmp_path, "支持武穴市建设马口湖生态农业示范基地二期，力争加工产值增长8%。")
    programs = names(ex, "Program")
    assert not any("建设" in n for n in programs)
    assert any(n.startswith("马口湖生态农业示范基地二期") for n in programs)


def test_a_particle_after_the_verb_does_not_open_a_name(tmp_path):
    ex = extraction(tmp_path, "孝感经开区还同步开工了孝感临空产业园综合管廊三期、园区污水处理站等配套工程。")
    programs = names(ex, "Program")
    assert not any(n.startswith("了") for n in programs)
    assert not any(n.startswith("园区") for n in programs)  # 园区… names no park: no program


def test_areas_taken_as_pilots_are_named_without_the_cue(tmp_path):
    ex = extraction(tmp_path, "以孝感高新区临空园区、随州经开区化工园区为试点，推进园区智慧化监管平台建设。")
    assert not any(n.endswith("为试点") or n.endswith("为") for n in names(ex, "Program"))


def test_a_lines_works_stage_is_not_its_name_and_its_section_is(tmp_path):
    ex = extraction(tmp_path, "南宁地铁5号线南延段土建工程完成65%，南宁地铁2号线东延五象段运营满一年。",
                    place="广西壮族自治区")
    programs = names(ex, "Program")
    assert "南宁地铁5号线南延段" in programs and "南宁地铁5号线南延段土建工程" not in programs
    assert "南宁地铁2号线东延五象段" in programs


def test_an_areas_pian_qu_stays_in_its_name(tmp_path):
    ex = extraction(tmp_path, "推进长沙南站枢纽片区开发，加快城市更新。", place="湖南省")
    assert "长沙南站枢纽片区" in names(ex, "Program")


def test_generic_bases_and_bases_counted_by_area_are_no_programs(tmp_path):
    ex = extraction(tmp_path, "支持武汉理工大学等高校在襄阳高新区建设成果转化基地。建设脐橙标准化示范基地2万亩。")
    programs = names(ex, "Program")
    assert not any(n.endswith("成果转化基地") for n in programs)
    assert not any("脐橙标准化示范基地" in n for n in programs)


# ------------------------------------------------------------------ audit round 9 (written for the rules)

def test_a_lines_spur_siding_and_link_road_keep_their_ending(tmp_path):
    ex = extraction(tmp_path, "开工建设荆门化工循环产业园铁路专用线、郑渝高铁神农架支线前期工作，福银高速孝感北互通连接线完工。")
    programs = names(ex, "Program")
    assert {"荆门化工循环产业园铁路专用线", "郑渝高铁神农架支线", "福银高速孝感北互通连接线"} <= programs
    assert not {"荆门化工循环产业园铁路", "郑渝高铁", "福银高速"} & programs


def test_a_district_written_before_a_zone_named_by_its_city_is_no_part_of_the_name(tmp_path):
    ex = extraction(tmp_path, "全市春季重大项目集中开工活动在蔡甸区武汉经济技术开发区常福工业园主会场举行。", place="武汉市")
    programs = names(ex, "Program")
    assert "武汉经济技术开发区常福工业园" in programs
    assert not any(n.startswith("蔡甸区") for n in programs)


def test_a_place_and_its_focus_verb_do_not_open_a_parks_name(tmp_path):
    ex = extraction(tmp_path, "宜都市重点建设精细化工产业园二期和物流配套区，当阳市推进建材产业园扩区。", place="宜昌市")
    programs = names(ex, "Program")
    assert not any("重点建设" in n for n in programs)
    assert any(n.endswith("精细化工产业园二期") for n in programs)


def test_a_national_campaigns_words_among_a_list_of_fields_are_a_field(tmp_path):
    ex = extraction(tmp_path, "本批开工项目覆盖先进制造、城市更新、文化旅游等领域。实施城市更新行动。")
    programs = entities(ex, "Program")
    assert "城市更新行动" in programs
    ex = extraction(tmp_path, "本批开工项目覆盖先进制造、城市更新、文化旅游等领域。")
    assert "城市更新行动" not in names(ex, "Program")


def test_a_nationwide_designation_keeps_its_quan_guo(tmp_path):
    ex = extraction(tmp_path, "支持宜城市创建全国农业现代化示范区0.5亿元。")
    programs = names(ex, "Program")
    assert "全国农业现代化示范区" in programs and "农业现代化示范区" not in programs


def test_a_project_pool_keeps_its_ku(tmp_path):
    ex = extraction(tmp_path, "两个子项目纳入襄阳市重点技改项目库。")
    programs = names(ex, "Program")
    assert "襄阳市重点技改项目库" in programs and "襄阳市重点技改项目" not in programs


def test_a_branch_school_and_a_research_centres_branch_are_no_programs(tmp_path):
    ex = extraction(tmp_path, "荆州中学科技城分校建成招生；推动湖北省新型储能材料工程技术研究中心宜昌分中心建设。")
    programs = names(ex, "Program")
    assert not any(n.endswith(("科技城", "材料工程")) for n in programs)


def test_a_project_word_before_a_quoted_pilot_is_inside_its_name(tmp_path):
    ex = extraction(tmp_path, "由市发改局负责，开展光伏项目用地“一件事”改革试点。")
    programs = names(ex, "Program")
    assert "光伏项目用地“一件事”改革试点" in programs and "用地“一件事”改革试点" not in programs


def test_a_task_heading_of_building_innovation_platforms_names_no_plan(tmp_path):
    ex = extraction(tmp_path, "（四）推进创新平台建设行动。\n（五）实施科技创新平台建设工程。")
    assert not any("创新平台" in n for n in names(ex, "Program"))


def test_a_central_bodys_local_bureau_is_one_agency_under_it(tmp_path):
    ex = extraction(tmp_path, "全年办理退税5亿元，国家税务总局株洲市税务局优化纳税服务。")
    agencies = entities(ex, "Agency")
    assert "国家税务总局株洲市税务局" in agencies
    assert "株洲市税务局" not in agencies  # the central body stays only as the bureau's superior
    assert agencies["国家税务总局株洲市税务局"].place.name == "株洲市"


def test_a_brand_before_a_subsidiarys_place_is_part_of_its_name(tmp_path):
    ex = extraction(tmp_path, "吉林敖东延边药业股份有限公司中药项目总投资6亿元。", place="吉林省")
    assert "吉林敖东延边药业股份有限公司" in names(ex, "Agency")
    ex = extraction(tmp_path, "配合单位：市发展和改革局、华润燃气宜昌公司；")
    assert "华润燃气宜昌公司" in names(ex, "Agency") and "宜昌公司" not in names(ex, "Agency")


def test_a_factory_written_after_its_company_is_the_body_named(tmp_path):
    ex = extraction(tmp_path, "支持广西中烟工业有限责任公司南宁卷烟厂、柳工集团等企业技术改造。", place="广西壮族自治区")
    assert "广西中烟工业有限责任公司南宁卷烟厂" in names(ex, "Agency")


def test_a_groups_legal_suffix_stays_with_its_name(tmp_path):
    ex = extraction(tmp_path, "与华侨城集团有限公司签约文旅项目。")
    assert "华侨城集团有限公司" in names(ex, "Agency")


def test_a_railway_bureau_group_is_not_the_national_group(tmp_path):
    ex = extraction(tmp_path, "由中国铁路武汉局集团有限公司与襄阳市共同实施。")
    agencies = names(ex, "Agency")
    assert "中国铁路武汉局集团有限公司" in agencies and "中国国家铁路集团" not in agencies
