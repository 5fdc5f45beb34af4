"""Agencies and programs named in the text, from the genre's naming habits (README, "Agencies
and programs"). Vocabulary is data in kg/vocab: national_agencies, department_abbreviations,
enterprises, generic_organizations, national_programs, program_heads, program_verbs,
generic_program_words, program_blockers, free_trade_zones.

Agencies are specific organizations only:
- central bodies named in national_agencies.tsv (国务院, 党中央, 海关总署);
- a government department or party/congress body anchored on a place (郑州市生态环境局, 省发改委,
  自治区国资委): the place is the one written, or the document's own province/city/district for
  a bare 省/市/区/县; the label is the full name of the body of that place (河南省发展和改革委员会),
  the written short forms are aliases;
- an enterprise, university or institute with a proper name: a place written at its start
  (安徽高等研究院, 广西关键金属产业发展集团), 中国…, or a nationally known name (enterprises.tsv).
  Classes of organizations (上市公司, 商业银行, 平台公司) are never agencies;
- a body written after its parent (中国科学院…研究所, …分行, …调查队: `body_of`, a superior link),
  a group's company of a place (中车齐齐哈尔车辆有限公司), a zone's committee (…高新区管委会).

Programs are named plans, strategies, campaigns, projects, zones, events and brands:
- a name in quotes followed by a head (“双百双新”项目, “132”总体工作部署), quoted after a verb
  that introduces a program (打造“川居好房”), or a run of quoted names before 等…品牌;
- a name ending in a head noun (江淮英才计划, 陇电入浙工程, 雄忻高铁, 博鳌亚洲论坛年会) whose words
  are not all generic (重大项目, 民生工程 name nothing);
- each item of a list sharing one head (九龙川、唐家河等煤矿 -> 九龙川煤矿, 唐家河煤矿);
- nationwide strategies and campaigns (national_programs.tsv: 一带一路, 城市更新行动, “两重”).
A local program belongs to the place it opens with or that is written before it in its clause
(a province's written before its description too), its stated site (…项目在克东县建成投产:
`site`), else the document's subject place; a nationwide one is one entity for the whole corpus;
a bare 自贸试验区 is the province's own (free_trade_zones.tsv).

Where the rules live: entity_vocab (the vocabulary, read once), entity_names (EntityMention and
the readers of a name that both kinds share), agencies (find_agencies), programs (find_programs,
which gathers quoted_programs and headed_programs). This module holds the names the rest of
kg.extract uses and find_abbreviations; it may import those modules, never the other way round.
"""
from __future__ import annotations

import re

from kg.extract.agencies import find_agencies
from kg.extract.entity_names import _HAN, EntityMention
from kg.extract.entity_vocab import generic_organizations
from kg.extract.programs import find_programs

__all__ = ["EntityMention", "find_abbreviations", "find_agencies", "find_programs", "generic_organizations"]

_ABBREVIATION = re.compile(rf"([{_HAN}A-Za-z0-9（）()]{{4,40}})[（(](?:以下)?简称[“\"]?([{_HAN}A-Za-z0-9]{{2,12}})[”\"]?[）)]")


def find_abbreviations(text: str) -> list[tuple[str, str]]:
    """(full name, short name) pairs the text itself states: X（以下简称“Y”）."""
    return [(m.group(1), m.group(2)) for m in _ABBREVIATION.finditer(text)]
