"""The API's errors in Chinese, for the web page: each English message a user can cause (an
unknown place, an empty question, a malformed SPARQL query …) with its Chinese wording. The API
answers both, {"error": English, "message_zh": Chinese}; the CLI keeps its English messages.

Each rule is a regular expression over the English message and a Chinese template that may use
its groups ({0}, {1} …); a message no rule knows keeps its English text after a Chinese lead-in.

Imports: re only.
"""
from __future__ import annotations

import re

# (English pattern, Chinese template): the first that matches is used
RULES: tuple[tuple[str, str], ...] = (
    (r"malformed SPARQL query: error at (\d+):(\d+): (.*)", "查询语法错误：第{0}行第{1}列附近有误（{2}）"),
    (r"malformed SPARQL query: (.*)", "查询语法错误：{0}"),
    (r"no document of this corpus is about '(.*)' \(places: (.*)\)",
     "语料中没有关于“{0}”的文件（可选地区：{1}）"),
    (r"no place called '(.*)' in the graph", "图谱中没有名为“{0}”的地区"),
    (r"no indicator or metric called '(.*?)' in the graph.*", "图谱中没有名为“{0}”的指标"),
    (r"no document '(.*)' in this workspace.*", "没有这份文件：“{0}”"),
    (r"no document matches '(.*?)'.*", "没有与“{0}”相符的文件：请给出文件名或标题中的几个字"),
    (r"no passage mentions '(.*?)'.*", "没有段落提到“{0}”（项目、机构、地区或指标的名称）"),
    (r"unknown section '(.*?)': one of (.*)", "未知的章节“{0}”，可选：{1}"),
    (r"unknown document kind '(.*?)'.*", "未知的文件类型“{0}”"),
    (r"empty query.*", "请输入要检索的内容"),
    (r"empty question", "请输入问题"),
    (r"empty search text", "请输入要查找的名称"),
    (r"empty SPARQL query", "查询为空：请输入 SPARQL 查询"),
    (r"name an indicator.*", "请输入指标名称，例如：地区生产总值"),
    (r"question too long \((\d+) characters, at most (\d+)\)", "问题太长（{0}个字，最多{1}个字）"),
    (r"query too long \((\d+) characters, at most (\d+)\)", "检索内容太长（{0}个字，最多{1}个字）"),
    (r"search text longer than (\d+) characters", "查找的名称太长（最多{0}个字）"),
    (r"-k must be a whole number, not '(.*)'", "结果数必须是整数，而不是“{0}”"),
    (r"-k must be at least 1.*", "结果数至少为 1"),
    (r"year must be a four-digit year such as 2025, not '(.*)'", "年份须为四位数字（如 2025），而不是“{0}”"),
    (r"--status must be target or actual, not '(.*)'", "状态须为 target（目标）或 actual（实际），而不是“{0}”"),
    (r"--level must be one of (.*), not '(.*)'", "层级须为 {0} 之一，而不是“{1}”"),
    (r"not a valid IRI: (.*)", "不是有效的 IRI：{0}"),
    (r"give an entity IRI", "请给出实体的 IRI"),
    (r"(\S+) has no relation '(.*?)'.*", "{0} 没有关系“{1}”"),
    (r"no passage (.*)", "没有这个段落：{0}"),
    (r"nothing in the graph is called (.*)", "图谱中没有这个实体：{0}"),
    (r"Not Found", "找不到请求的资源"),
    (r"search SERVICE: (.*)", "检索 SERVICE 有误：{0}"),
    (r"query stopped: .*?limit of (\S+) s.*", "查询已停止：运行时间超过服务器上限 {0} 秒"),
    (r"SPARQL updates are refused.*", "不接受 SPARQL 更新：此端点只读（知识图谱只能通过 kg build 更新）"),
    (r"bad request: (.*)", "请求参数有误：{0}"),
    (r"the server is (?:starting|busy).*", "服务器忙，请稍后再试"),
)
_COMPILED = tuple((re.compile(p, re.S), t) for p, t in RULES)


def message_zh(message: str) -> str:
    """The Chinese wording of one of the API's English error messages."""
    text = (message or "").strip()
    for pattern, template in _COMPILED:
        m = pattern.fullmatch(text)
        if m:
            return template.format(*m.groups())
    return "出错：" + text if text else "出错"
